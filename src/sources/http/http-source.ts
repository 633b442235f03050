import express from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { EngineError } from '../../core/errors.js';
import { orderingKeyOf } from '../../store/search-keys.js';
import type {
  PluginFactoryContext,
  Source,
  SourceContext,
  SourceStatus,
} from '../../core/plugins.js';

export const HttpSourceSchema = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535),
    path: z.string().startsWith('/').default('/messages'),
    maxBodyBytes: z
      .number()
      .int()
      .min(1)
      .default(10 * 1024 * 1024),
    /** Bearer token callers must send; read it from ${ENV}, never write it in the file. */
    token: z.string().min(16).optional(),
    /** Header carrying the sender's message id, used to answer repeats from the first result. */
    controlIdHeader: z.string().default('x-message-id'),
    /** Top-level JSON fields, first non-empty wins, that order messages (hashed as MLLP's). */
    orderingKey: z.array(z.string()).default(['ubrn', 'nhsNumber']),
    /** Wait this long for the outcome and answer with it; 0 answers once stored. */
    waitForOutcomeMs: z.number().int().min(0).default(0),
  })
  .strict();
export type HttpSourceConfig = z.infer<typeof HttpSourceSchema>;

/**
 * Pure: the ordering key of a JSON body, from the first configured field that has a value, hashed
 * as every source's (`orderingKeyOf`): never an NHS number in clear, and the same key as MLLP's.
 */
export function httpOrderingKey(
  body: Buffer,
  fields: readonly string[],
  contentType: string,
): string | undefined {
  if (fields.length === 0 || !contentType.includes('json')) return undefined;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    for (const f of fields) {
      const v = parsed[f];
      if (typeof v === 'string' && v.trim() !== '') return orderingKeyOf(v.trim());
    }
  } catch {
    // Not JSON after all: the message is still stored; the transformer will report it.
  }
  return undefined;
}

const sameSecret = (a: string, b: string): boolean => {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
};

export function createHttpSource(config: HttpSourceConfig, factory: PluginFactoryContext): Source {
  let server: Server | undefined;
  const app = express();
  let ctx: SourceContext | undefined;
  app.post(
    config.path,
    express.raw({ type: () => true, limit: config.maxBodyBytes }),
    async (req, res) => {
      if (!ctx) return res.status(503).json({ error: 'ENGINE_SHUTTING_DOWN' });
      if (
        config.token !== undefined &&
        !sameSecret(req.get('authorization') ?? '', `Bearer ${config.token}`)
      ) {
        const e = new EngineError('SOURCE_UNAUTHORIZED', 'missing or wrong bearer token');
        return res.status(401).json(e.toJSON());
      }
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (body.length === 0)
        return res.status(400).json(new EngineError('SOURCE_BAD_REQUEST', 'empty body').toJSON());
      const contentType = req.get('content-type') ?? 'application/octet-stream';
      const controlId = req.get(config.controlIdHeader);
      try {
        const result = await ctx.receive({
          sender: req.socket.remoteAddress ?? 'unknown',
          controlId,
          contentType,
          raw: body,
          messageType: 'http',
          orderingKey: httpOrderingKey(body, config.orderingKey, contentType),
          sourceMeta: { path: req.path },
        });
        if (result.duplicateOf) {
          const first = result.duplicateOf;
          return res.status(200).json({ id: first.id, duplicate: true, status: first.status });
        }
        if (result.controlIdReused?.refused === true) {
          // Kept as ERROR by the store; the sender learns why and which message holds the id.
          const e = new EngineError(
            'CONTROL_ID_REUSED',
            `control id already used for other content (message ${result.controlIdReused.firstId})`,
          );
          return res.status(409).json({ id: result.id, ...e.toJSON() });
        }
        if (config.waitForOutcomeMs > 0) {
          const outcome = await ctx.awaitOutcome(result.id, config.waitForOutcomeMs);
          if (outcome)
            return res
              .status(200)
              .json({ id: result.id, status: outcome.status, error: outcome.error });
        }
        return res.status(202).json({ id: result.id, status: 'RECEIVED' });
      } catch (error) {
        factory.logger.error(
          { stage: 'source', err: (error as Error).message },
          'store failed; message not accepted',
        );
        return res
          .status(503)
          .json({ error: 'STORE_UNAVAILABLE', message: 'not stored; send again' });
      }
    },
  );
  app.use(
    (
      err: Error & { status?: number; type?: string },
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      const tooLarge = err.type === 'entity.too.large';
      const e = new EngineError(
        tooLarge ? 'SOURCE_MESSAGE_TOO_LARGE' : 'SOURCE_BAD_REQUEST',
        tooLarge ? `body over ${config.maxBodyBytes} bytes` : err.message,
      );
      res.status(e.definition.httpStatus).json(e.toJSON());
    },
  );

  return {
    async start(context) {
      ctx = context;
      server = await new Promise<Server>((resolve, reject) => {
        const s = app.listen(config.port, config.host, () => {
          resolve(s);
        });
        s.once('error', reject);
      });
    },
    async stop() {
      ctx = undefined;
      const s = server;
      server = undefined;
      if (s)
        await new Promise<void>((r) =>
          s.close(() => {
            r();
          }),
        );
    },
    status(): SourceStatus {
      const addr = server?.address() as AddressInfo | null | undefined;
      return {
        type: 'http',
        endpoint: `http://${config.host}:${addr?.port ?? config.port}${config.path}`,
        listening: server !== undefined,
      };
    },
  };
}
