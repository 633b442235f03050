/**
 * What the signed-JWT platform auth costs per call: headers() with the token cached, against a
 * supplied bearer token (baseline), and one assertion exchange (RS512 sign + token endpoint over
 * local HTTP) — the cost every call would pay without the cache.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { platformAuth } from '../src/ers/auth.js';
import type { Benchmark } from './run.js';

const CALLS = Number(process.env['BENCH_ERS_AUTH_CALLS'] ?? 20_000);
const EXCHANGES = Number(process.env['BENCH_ERS_AUTH_EXCHANGES'] ?? 50);

const perCall = async (n: number, fn: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return (performance.now() - started) / n;
};

const benchmark: Benchmark = {
  name: 'e-RS platform auth: cached signed-JWT token vs supplied token vs one exchange',
  async run() {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    let issued = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        issued++;
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ access_token: `t${issued}`, expires_in: '599' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`;
    const common = {
      mode: 'platform',
      businessFunction: 'REFERRING_CLINICIAN',
      odsCode: 'R69',
    } as const;
    const supplied = platformAuth({ ...common, accessToken: 'supplied' });
    const jwt = platformAuth(
      { ...common, clientId: 'bench', tokenUrl, keyId: 'k1' },
      { env: { ERS_BRIDGE_ERS_PRIVATE_KEY: privateKey } },
    );
    await jwt.headers(); // first exchange, and jose loaded
    const baseline = await perCall(CALLS, () => supplied.headers());
    const cached = await perCall(CALLS, () => jwt.headers());
    const exchange = await perCall(EXCHANGES, () => {
      jwt.invalidate();
      return jwt.headers();
    });
    server.close();
    const row = (label: string, ms: number) => {
      console.log(
        `${label.padEnd(34)} ${(ms * 1000).toFixed(1).padStart(9)} µs/call = ${(ms / baseline).toFixed(2)}x the supplied token`,
      );
    };
    row('supplied bearer token (baseline)', baseline);
    row('signed JWT, token cached', cached);
    row('signed JWT, exchange every call', exchange);
    console.log(`token endpoint calls: ${issued} (${EXCHANGES + 1} exchanges expected)`);
  },
};
export default benchmark;
