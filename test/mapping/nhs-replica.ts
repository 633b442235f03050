/**
 * A real HTTP server that answers as NHS's e-RS sandbox does, from its own scenario index
 * (test/fixtures/nhs-contract/index.json): a request gets a scenario's response only when its
 * method and path match and its JSON body is deep-equal to the scenario's request file (array
 * order significant), its query equals the scenario's, or — A020 — it has a body, a file name and
 * a referral id; the business function must be one the scenario allows (REFERRING_CLINICIAN
 * exactly selects A011/A021's referring-clinician examples). Anything else gets NHS's no-match
 * answer (422, or 400 for A015). So the shipped channels can be tried against NHS's rules here.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

const CONTRACT = join(process.cwd(), 'test', 'fixtures', 'nhs-contract');

interface Scenario {
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>> | null;
  readonly requestHeaders: Readonly<Record<string, { allowed?: string[] }>>;
  readonly exampleRequestHeaders: Readonly<Record<string, string>>;
  readonly requestBody: string | null;
  readonly responseStatus: number;
  readonly responseHeaders: Readonly<Record<string, string>>;
  readonly responseBody?: string | null;
  readonly responseBodyInline?: string;
}

const INDEX = JSON.parse(readFileSync(join(CONTRACT, 'index.json'), 'utf8')) as {
  scenarios: Scenario[];
  operations: Record<string, { responseSelectedBy?: string }>;
};
const SCENARIOS = INDEX.scenarios;

/** Operations whose handler ignores the id in the path (index: "ubrn not checked", A034's id). */
const ID_NOT_CHECKED = new Set(
  Object.entries(INDEX.operations)
    .filter(([, o]) => /(ubrn|appointmentId) not checked/.test(o.responseSelectedBy ?? ''))
    .map(([id]) => id),
);
const withoutIds = (path: string): string => path.replace(/\/(\d{12}|\d{5})(?=\/|$)/g, '/{id}');
const samePath = (s: Scenario, path: string): boolean =>
  s.path === path || (ID_NOT_CHECKED.has(s.operation) && withoutIds(s.path) === withoutIds(path));
const file = (path: string): Buffer => readFileSync(join(CONTRACT, path));

/** A011/A021 pick their referring-clinician examples only for exactly this business function. */
const RC_SELECTS = new Set(['A010', 'A011', 'A021']);

function matches(s: Scenario, req: IncomingMessage, url: URL, body: Buffer): boolean {
  if (s.method !== req.method || !samePath(s, decodeURIComponent(url.pathname))) return false;
  const role = req.headers['nhsd-ers-business-function'];
  if (RC_SELECTS.has(s.operation)) {
    const rc = s.exampleRequestHeaders['NHSD-eRS-Business-Function'] === 'REFERRING_CLINICIAN';
    if (rc !== (role === 'REFERRING_CLINICIAN')) return false;
  }
  if (s.method === 'GET') {
    if (s.query === null || Object.keys(s.query).length === 0) return url.search === '';
    return isDeepStrictEqual(Object.fromEntries(url.searchParams), s.query);
  }
  if (s.operation === 'A020')
    return (
      body.length > 0 &&
      req.headers['nhsd-ers-file-name'] !== undefined &&
      req.headers['nhsd-ers-referral-id'] !== undefined
    );
  if (s.requestBody === null) return true;
  try {
    return isDeepStrictEqual(
      JSON.parse(body.toString('utf8')),
      JSON.parse(file(s.requestBody).toString('utf8')),
    );
  } catch {
    return false;
  }
}

export interface NhsReplica {
  readonly url: string;
  /** `METHOD path → status` of every request, in order. */
  readonly log: string[];
  close(): Promise<void>;
}

export async function startNhsReplica(): Promise<NhsReplica> {
  const log: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://replica');
      const body = Buffer.concat(chunks);
      const found = SCENARIOS.find((s) => matches(s, req, url, body));
      const role = req.headers['nhsd-ers-business-function'];
      const allowed = found?.requestHeaders['NHSD-eRS-Business-Function']?.allowed;
      let status: number;
      if (found && typeof role === 'string' && allowed && !allowed.includes(role)) {
        status = 403;
        res.writeHead(403, { 'Content-Type': 'text/html' }).end('SANDBOX_ERROR');
      } else if (found) {
        status = found.responseStatus;
        const type = found.responseHeaders['Content-Type'];
        const headers: Record<string, string> = { ...(type ? { 'Content-Type': type } : {}) };
        for (const h of ['Location', 'ETag'])
          if (found.responseHeaders[h]) headers[h] = found.responseHeaders[h];
        res
          .writeHead(status, headers)
          .end(
            found.responseBody
              ? file(found.responseBody)
              : Buffer.from(found.responseBodyInline ?? ''),
          );
      } else {
        status = url.pathname.endsWith('/Slot') ? 400 : 422;
        res
          .writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' })
          .end(file('mocks/STU3-SandboxErrorOutcome.json'));
      }
      log.push(`${req.method ?? ''} ${decodeURIComponent(url.pathname)}${url.search} → ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
