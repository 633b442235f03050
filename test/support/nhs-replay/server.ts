/**
 * A real HTTP server that answers as NHS's hosted e-RS sandbox does (answer.ts), mounted under
 * `/referrals` as the API platform mounts it: a user's `ers.baseUrl` is `<url>/referrals/FHIR`, as
 * for `https://sandbox.api.service.nhs.uk/referrals/FHIR`. Every exchange is logged, and a refused
 * JSON body carries its difference from NHS's nearest example for the test report.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerRequest } from './answer.js';
import { nearestExample } from './diff.js';

export interface ReplayExchange {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly businessFunction: string | null;
  readonly status: number;
  readonly operation: string | null;
  /** NHS's scenario that answered, or null. */
  readonly scenario: string | null;
  readonly refusal: string | null;
  /** For a refused JSON body: NHS's nearest example request file and the differences. */
  readonly nearest: { file: string; differences: string[] } | null;
}

export interface NhsReplay {
  /** Base to put in `ers.baseUrl` (the platform's `…/referrals/FHIR`). */
  readonly baseUrl: string;
  readonly exchanges: ReplayExchange[];
  /** One line per exchange, refusals with their differences, for assertion messages. */
  report(): string;
  close(): Promise<void>;
}

const PREFIX = '/referrals';

function headersOf(raw: NodeJS.Dict<string | string[]>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(raw))
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  return out;
}

function nearestOf(operation: string | null, body: Buffer): ReplayExchange['nearest'] {
  if (operation === null || body.length === 0) return null;
  try {
    return nearestExample(operation, JSON.parse(body.toString('utf8'))) ?? null;
  } catch {
    return null;
  }
}

export async function startNhsReplay(): Promise<NhsReplay> {
  const exchanges: ReplayExchange[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://replay');
      const body = Buffer.concat(chunks);
      const headers = headersOf(req.headers);
      const appPath = url.pathname.startsWith(`${PREFIX}/`)
        ? url.pathname.slice(PREFIX.length)
        : `/unrouted${url.pathname}`;
      const answer = answerRequest({
        method: req.method ?? 'GET',
        path: appPath,
        query: url.searchParams,
        headers,
        body,
      });
      const correlation = headers['x-correlation-id'];
      res.writeHead(answer.status, {
        ...answer.headers,
        ...(correlation ? { 'X-Correlation-ID': correlation } : {}),
      });
      res.end(answer.body);
      exchanges.push({
        method: req.method ?? '',
        path: appPath.replace(/%24/gi, '$'),
        query: url.search,
        businessFunction: headers['nhsd-ers-business-function'] ?? null,
        status: answer.status,
        operation: answer.operation,
        scenario: answer.scenario
          ? `${answer.scenario.operation} "${answer.scenario.scenario}"`
          : null,
        refusal: answer.refusal ?? null,
        nearest: answer.scenario ? null : nearestOf(answer.operation, body),
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${PREFIX}/FHIR`,
    exchanges,
    report: () =>
      exchanges
        .map((e) => {
          const head = `${e.method} ${e.path}${e.query} [${e.businessFunction ?? '-'}] → ${e.status} ${e.scenario ?? e.refusal ?? ''}`;
          if (e.nearest === null) return head;
          return [
            head,
            `  nearest NHS example ${e.nearest.file}:`,
            ...e.nearest.differences.map((d) => `    ${d}`),
          ].join('\n');
        })
        .join('\n'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
