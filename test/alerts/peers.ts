/**
 * Real alert receivers for tests: an HTTP server that keeps every POSTed JSON body (and can
 * answer 500 for a while), and an SMTP server (smtp-server) that keeps every mail it is sent.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface WebhookPeer {
  readonly url: string;
  readonly bodies: Record<string, unknown>[];
  /** Requests answered, including refused ones. */
  readonly attempts: { status: number }[];
  /** Answer 500 to this many requests from now. */
  failNext(n: number): void;
  close(): Promise<void>;
}

export async function startWebhookPeer(): Promise<WebhookPeer> {
  const bodies: Record<string, unknown>[] = [];
  const attempts: { status: number }[] = [];
  let failing = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failing > 0) {
        failing--;
        attempts.push({ status: 500 });
        res.statusCode = 500;
        res.end('down');
        return;
      }
      attempts.push({ status: 204 });
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    bodies,
    attempts,
    failNext(n) {
      failing = n;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => {
          r();
        });
      }),
  };
}

export interface Mail {
  readonly from: string;
  readonly to: string[];
  readonly subject: string;
  readonly raw: string;
}

export interface SmtpPeer {
  readonly port: number;
  readonly mails: Mail[];
  close(): Promise<void>;
}

/** An SMTP server on port 0 without TLS or authentication (the receiver sends plain). */
export async function startSmtpPeer(): Promise<SmtpPeer> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const envelope = session.envelope;
        mails.push({
          from: envelope.mailFrom === false ? '' : envelope.mailFrom.address,
          to: envelope.rcptTo.map((r) => r.address),
          subject:
            /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)?.[1]?.replace(/\r\n[ \t]/g, ' ') ?? '',
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    mails,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => {
          r();
        });
      }),
  };
}
