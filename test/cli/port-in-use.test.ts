import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runCliEngineToExit as startToExit } from '../support/cli-engine.js';
import { freePort } from '../support/engine-process.js';

describe('ers-bridge start: a taken port is one line naming the setting to change', function () {
  this.timeout(60_000);
  let dir: string;
  let taken: Server;
  let takenPort: number;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ers-port-'));
    mkdirSync(join(dir, 'config'));
    taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    takenPort = (taken.address() as AddressInfo).port;
  });
  afterEach(async () => {
    await new Promise<void>((r) =>
      taken.close(() => {
        r();
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  });

  const noStack = (out: string): void => {
    expect(out).not.to.match(/^\s+at /m);
    expect(out).not.to.include('TypeError');
  };

  it('names sandbox.port when the embedded sandbox cannot take its port', async () => {
    const { code, out } = await startToExit(join(dir, 'config'), {
      ERS_BRIDGE_DATA_DIR: join(dir, 'data'),
      ERS_BRIDGE_HTTP_PORT: String(await freePort()),
      ERS_BRIDGE_SANDBOX_PORT: String(takenPort),
      ERS_BRIDGE_ADMIN_PASSWORD: 'a-long-enough-test-password',
    });
    expect(code).to.not.equal(0);
    expect(out).to.include(
      `the embedded e-RS sandbox cannot listen on 127.0.0.1:${takenPort}: port ${takenPort} is already in use`,
    );
    expect(out).to.include('change sandbox.port');
    noStack(out);
  });

  it('names http.port when the admin server cannot take its port', async () => {
    const { code, out } = await startToExit(join(dir, 'config'), {
      ERS_BRIDGE_DATA_DIR: join(dir, 'data'),
      ERS_BRIDGE_HTTP_PORT: String(takenPort),
      ERS_BRIDGE_SANDBOX_PORT: String(await freePort()),
      ERS_BRIDGE_ADMIN_PASSWORD: 'a-long-enough-test-password',
    });
    expect(code).to.not.equal(0);
    expect(out).to.include(`the admin server cannot listen on 127.0.0.1:${takenPort}`);
    expect(out).to.include('change http.port');
    noStack(out);
  });
});
