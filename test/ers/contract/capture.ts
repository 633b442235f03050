/**
 * A real HTTP server on port 0 standing in for NHS's sandbox: it records each request as it
 * arrived on the wire and answers with the scenario's NHS response (status, type, body file).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CONTRACT_DIR = join(import.meta.dirname, '../../fixtures/nhs-contract');

export interface Scenario {
  readonly operation: string;
  readonly id: string | null;
  readonly scenario: string;
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

export const scenarios = (): Scenario[] =>
  (
    JSON.parse(readFileSync(join(CONTRACT_DIR, 'index.json'), 'utf8')) as {
      scenarios: Scenario[];
    }
  ).scenarios;

export const contractFile = (path: string): Buffer => readFileSync(join(CONTRACT_DIR, path));

export interface Captured {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export class CaptureServer {
  private server: Server | undefined;
  private answer: Scenario | undefined;
  readonly requests: Captured[] = [];

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
        });
        const s = this.answer;
        const body = s?.responseBody
          ? contractFile(s.responseBody)
          : Buffer.from(s?.responseBodyInline ?? '');
        const type = s?.responseHeaders['Content-Type'];
        res.writeHead(s?.responseStatus ?? 500, {
          ...(type ? { 'Content-Type': type } : {}),
          ...(s?.responseHeaders['Location'] ? { Location: s.responseHeaders['Location'] } : {}),
        });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return `http://127.0.0.1:${address.port}`;
  }

  /** Answers the next requests as NHS's sandbox answers this scenario. */
  answerAs(s: Scenario): void {
    this.answer = s;
    this.requests.length = 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.server?.close(() => {
        resolve();
      }),
    );
  }
}
