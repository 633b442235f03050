import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * The e-RS client's HTTP exchange on `node:http` / `node:https` with one keep-alive agent per
 * client, instead of the global `fetch` (decision 200): the profile of the engine bench put
 * undici's fetch, its web streams and the per-call `AbortSignal.timeout` + `AbortSignal.any` at
 * ~17% of the engine's main thread, against a few percent for a plain request. What the client
 * relies on is kept: a timeout covering the whole exchange (headers and body), the caller's
 * signal aborting it, a body that breaks off rejecting the read, and the socket error codes
 * (`ECONNREFUSED`, `ENOTFOUND`, …) that say nothing was sent.
 */
export interface HttpCall {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer | string | undefined;
  /** For the whole exchange, from sending to the last byte of the answer. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/** An answer whose head arrived; `body()` reads the rest once (rejects if it breaks off). */
export interface HttpAnswer {
  readonly status: number;
  readonly ok: boolean;
  /** A response header by its lower-case name; repeated ones joined with ", ". */
  header(name: string): string | undefined;
  body(): Promise<Buffer>;
}

/**
 * Idle keep-alive sockets close after this long unless the server announces less
 * (`Keep-Alive: timeout=N`, which node's agent honours, less a second): shorter than a typical
 * server's idle timeout (node's 5 s), so a request is not sent on a socket the server is closing.
 */
const IDLE_SOCKET_MS = 4000;

/** As fetch names them (`TimeoutError`, `AbortError`), so the error classes stay the same. */
function namedError(name: 'TimeoutError' | 'AbortError', message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

const headerOf =
  (message: IncomingMessage) =>
  (name: string): string | undefined => {
    const value = message.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };

export class HttpTransport {
  private readonly agent: HttpAgent;
  private readonly secure: boolean;

  constructor(base: string) {
    this.secure = new URL(base).protocol === 'https:';
    const options = { keepAlive: true, timeout: IDLE_SOCKET_MS };
    this.agent = this.secure ? new HttpsAgent(options) : new HttpAgent(options);
  }

  /** Sends `call`; resolves when the answer's head arrives. */
  send(call: HttpCall): Promise<HttpAnswer> {
    const { signal } = call;
    if (signal?.aborted === true)
      return Promise.reject(namedError('AbortError', 'the call was aborted'));
    return new Promise<HttpAnswer>((resolve, reject) => {
      const url = new URL(call.url);
      const headers: Record<string, string> = { ...call.headers };
      if (call.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(call.body));
      const req = (this.secure ? httpsRequest : httpRequest)({
        agent: this.agent,
        method: call.method,
        hostname: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        headers,
      });
      // Why the exchange was cut short by us (timeout, abort): reported instead of the socket
      // error that destroying the request causes.
      let reason: Error | undefined;
      const stop = (error: Error): void => {
        reason ??= error;
        req.destroy(error);
      };
      const timer = setTimeout(() => {
        stop(namedError('TimeoutError', `no complete answer in ${call.timeoutMs} ms`));
      }, call.timeoutMs);
      const onAbort = (): void => {
        stop(namedError('AbortError', 'the call was aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      // Whether a byte of the request can have reached e-RS: not before the connection (and on
      // HTTPS the handshake, where a certificate is refused) is up. A failure before that took
      // no effect whatever the method, so the client may retry it (ErsClient's transportError).
      let connected = false;
      req.once('socket', (socket) => {
        if (!socket.connecting) connected = true;
        else
          socket.once(this.secure ? 'secureConnect' : 'connect', () => {
            connected = true;
          });
      });
      req.on('error', (error) => {
        finish();
        const failure = reason ?? error;
        if (!connected) Object.assign(failure, { notSent: true });
        reject(failure);
      });
      req.once('response', (res) => {
        const read = readBody(res, () => reason);
        // The timer and the abort listener stay until the body has been read (or failed).
        read.then(finish, finish);
        resolve({
          status: res.statusCode ?? 0,
          ok: (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300,
          header: headerOf(res),
          body: () => read,
        });
      });
      req.end(call.body);
    });
  }

  /** Closes the pooled sockets. */
  close(): void {
    this.agent.destroy();
  }
}

/** The whole body; a body that ends before it is complete (reset, destroyed) rejects. */
function readBody(res: IncomingMessage, cutBy: () => Error | undefined): Promise<Buffer> {
  const read = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.once('end', () => {
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
    res.on('error', (error) => {
      reject(cutBy() ?? error);
    });
    res.once('close', () => {
      if (!res.complete)
        reject(cutBy() ?? Object.assign(new Error('the answer broke off'), { code: 'ECONNRESET' }));
    });
  });
  // Not every caller reads the body at once; a failure is reported when it does.
  read.catch(() => undefined);
  return read;
}
