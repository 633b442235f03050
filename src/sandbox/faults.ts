import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { operationOutcome } from './outcome.js';

/** Fault injection for tests and demos: latency, forced errors, dropped connections, a quota. */
export const FaultsSchema = z
  .object({
    latencyMs: z.number().int().min(0).default(0),
    /** Each next request takes the first entry: a status to answer, or a connection to drop. */
    failNext: z
      .array(
        z
          .object({
            status: z.number().int().min(400).max(599).optional(),
            retryAfterSeconds: z.number().int().min(0).optional(),
            /**
             * An eRS error code to answer with, as an OperationOutcome: reaches the codes the
             * sandbox's state cannot produce (PAS_NOT_RESPONDING 504, PATIENT_ERROR 422…).
             */
            code: z
              .string()
              .regex(/^[A-Z_]+$/)
              .optional(),
            diagnostics: z.string().optional(),
            /** before: drop without applying; after: apply the request, then drop before answering;
             * hang-after: apply the request, then never answer (the client times out). */
            drop: z.enum(['before', 'after', 'hang-after']).optional(),
            /** With status/code: apply the request first, then answer with the fault instead of
             * the real answer (a gateway 502/504 after e-RS did the work). */
            applyFirst: z.boolean().optional(),
          })
          .strict(),
      )
      .default([]),
    /** Requests per minute per application (platform default 600); 429 above it. */
    quotaPerMinute: z.number().int().min(1).default(600),
  })
  .strict();
export type Faults = z.infer<typeof FaultsSchema>;

/**
 * The times of one caller's requests in the last minute, oldest first. Counting drops the expired
 * head instead of filtering a copy of the whole list on every request: at a few hundred requests
 * a second that copy (tens of thousands of numbers) was quadratic work and most of the embedded
 * sandbox's garbage (decision 200). Times come from one clock, so they arrive in order.
 */
export class CallWindow {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly spanMs: number) {}

  /** Records a call at `now`; how many calls fall in (now − span, now], this one included. */
  record(now: number): number {
    while (this.head < this.times.length && (this.times[this.head] ?? now) <= now - this.spanMs)
      this.head++;
    // Drop the expired head now and then, so the array does not grow for ever.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    this.times.push(now);
    return this.times.length - this.head;
  }
}

export class FaultInjector {
  faults: Faults = FaultsSchema.parse({});
  private readonly calls = new Map<string, CallWindow>();

  set(faults: unknown): Faults {
    this.faults = FaultsSchema.parse(faults);
    this.calls.clear();
    return this.faults;
  }

  /** Pure-ish check: has this caller spent its quota in the last minute? */
  overQuota(app: string, now: number): boolean {
    let window = this.calls.get(app);
    if (window === undefined) {
      window = new CallWindow(60_000);
      this.calls.set(app, window);
    }
    return window.record(now) > this.faults.quotaPerMinute;
  }

  middleware() {
    return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      if (this.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
      const app = req.get('authorization') ?? req.get('xapi_asid') ?? 'anonymous';
      if (this.overQuota(app, Date.now())) {
        // STU3 paths answer a quota breach with an empty body (ENDPOINTS.md §2.2).
        res.status(429).set('Retry-After', '1').end();
        return;
      }
      const fault = this.faults.failNext.shift();
      if (fault?.drop === 'before') {
        req.socket.destroy();
        return;
      }
      if (fault?.drop === 'after') {
        // The handler applies the request; the answer is then lost, as when a connection drops.
        res.end = ((..._args: unknown[]) => {
          req.socket.destroy();
          return res;
        }) as typeof res.end;
      } else if (fault?.drop === 'hang-after') {
        // Applied, then silence until the client gives up (a lost answer seen as a timeout); the
        // socket is closed by the client, or here after a minute at the latest.
        res.end = ((..._args: unknown[]) => {
          setTimeout(() => req.socket.destroy(), 60_000).unref();
          return res;
        }) as typeof res.end;
      } else if (fault?.applyFirst === true) {
        // Applied, then the real answer is swapped for the fault (headers are not sent yet).
        const end = res.end.bind(res) as (body?: unknown) => Response;
        res.end = ((..._args: unknown[]) => {
          const body =
            fault.code === undefined
              ? ''
              : JSON.stringify(
                  operationOutcome(fault.code, fault.diagnostics ?? `injected fault ${fault.code}`),
                );
          for (const h of ['etag', 'location', 'content-type', 'content-length'])
            res.removeHeader(h);
          res.statusCode = fault.status ?? 502;
          if (body !== '') res.setHeader('content-type', 'application/fhir+json');
          res.setHeader('content-length', Buffer.byteLength(body));
          return end(body);
        }) as typeof res.end;
      } else if (fault?.status !== undefined || fault?.code !== undefined) {
        if (fault.retryAfterSeconds !== undefined)
          res.set('Retry-After', String(fault.retryAfterSeconds));
        if (fault.code !== undefined) {
          res
            .status(fault.status ?? 422)
            .type('application/fhir+json')
            .json(
              operationOutcome(fault.code, fault.diagnostics ?? `injected fault ${fault.code}`),
            );
          return;
        }
        res.status(fault.status ?? 500).end();
        return;
      }
      next();
    };
  }
}
