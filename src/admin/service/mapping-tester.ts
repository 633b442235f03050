import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { EngineError } from '../../engine/errors.js';
import { actorOf, audit, type AdminContext, type Principal } from '../context.js';

export interface MappingTestResult {
  readonly mapping: string;
  readonly ok: boolean;
  readonly operation: string | null;
  readonly input: Record<string, unknown> | null;
  readonly fhirBody: unknown;
  readonly errors: readonly { code: string; message: string; at?: string }[];
  readonly warnings: readonly string[];
}

/** Mapping files under `<configDir>/mappings`, as paths relative to the config folder. */
export function listMappingFiles(configDir: string): string[] {
  const root = join(configDir, 'mappings');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => relative(configDir, join(root, f)))
    .sort();
}

export async function runMappingTest(
  ctx: AdminContext,
  who: Principal,
  request: { mapping: string; message: string },
): Promise<MappingTestResult> {
  if (!listMappingFiles(ctx.configDir()).includes(request.mapping)) {
    throw new EngineError('ADMIN_BAD_REQUEST', 'Pick one of the mapping files listed.', {
      at: 'mapping',
    });
  }
  if (request.message.trim() === '') {
    throw new EngineError('ADMIN_BAD_REQUEST', 'Paste a message to test.', { at: 'message' });
  }
  await audit(ctx, { actor: actorOf(who), action: 'mapping.test', target: request.mapping });
  return {
    mapping: request.mapping,
    ok: false,
    operation: null,
    input: null,
    fhirBody: null,
    errors: [
      { code: 'ADMIN_BAD_REQUEST', message: 'The mapping engine is not part of this build yet.' },
    ],
    warnings: [],
  };
}
