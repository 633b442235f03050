import { Router } from 'express';
import { requirePermission } from '../auth/middleware.js';
import { principalOf, type AdminContext } from '../context.js';
import { mappingFiles } from '../../mapping/files.js';
import { runMappingTest } from '../service/mapping-tester.js';

export function testerRoutes(ctx: AdminContext): Router {
  const router = Router();
  router.get('/mappings', requirePermission('mapping.test'), (_req, res) => {
    res.json({ mappings: mappingFiles(ctx.configDir()) });
  });
  router.post('/mapping-test', requirePermission('mapping.test'), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    res.json(
      await runMappingTest(ctx, principalOf(res), {
        mapping: typeof body.mapping === 'string' ? body.mapping : '',
        message: typeof body.message === 'string' ? body.message : '',
      }),
    );
  });
  return router;
}
