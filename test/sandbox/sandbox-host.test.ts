import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadSettings } from '../../src/config/load-settings.js';
import { startCliEngine, type CliEngine } from '../support/cli-engine.js';
import { freePort, repoRoot } from '../support/engine-process.js';

/** One MLLP exchange on a plain socket: the frame out, the ACK's text back. */
function sendMllp(port: number, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`\x0b${message}\x1c\r`));
    let got = '';
    socket.on('data', (d: Buffer) => {
      got += d.toString('utf8');
      const end = got.indexOf('\x1c\r');
      if (end >= 0) {
        socket.end();
        resolve(got.slice(got.indexOf('\x0b') + 1, end));
      }
    });
    socket.once('error', reject);
  });
}

/** GET on another loopback address than 127.0.0.1: reached only by a wildcard listener. */
async function reachableOn127002(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.2:${port}/_sandbox/state`);
    return res.ok;
  } catch {
    return false;
  }
}

describe('sandbox.host: the embedded sandbox can be published (ERS_BRIDGE_SANDBOX_HOST)', function () {
  this.timeout(60_000);
  let dir: string;
  let engine: CliEngine | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ers-sandbox-host-'));
    mkdirSync(join(dir, 'config', 'channels'), { recursive: true });
    cpSync(
      join(repoRoot, 'channels', 'pas-inbound.yaml'),
      join(dir, 'config', 'channels', 'pas-inbound.yaml'),
    );
    cpSync(join(repoRoot, 'mappings'), join(dir, 'config', 'mappings'), { recursive: true });
  });
  afterEach(async () => {
    await engine?.stop();
    engine = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(extra: Record<string, string>): Promise<{ sandbox: number; mllp: number }> {
    const ports = { sandbox: await freePort(), mllp: await freePort() };
    engine = await startCliEngine(join(dir, 'config'), {
      ERS_BRIDGE_DATA_DIR: join(dir, 'data'),
      ERS_BRIDGE_HTTP_PORT: String(await freePort()),
      ERS_BRIDGE_SANDBOX_PORT: String(ports.sandbox),
      ERS_BRIDGE_MLLP_PORT: String(ports.mllp),
      ERS_BRIDGE_ADMIN_PASSWORD: 'a long enough password',
      ...extra,
    });
    return ports;
  }

  it('reads the host from ERS_BRIDGE_SANDBOX_HOST, 127.0.0.1 when unset', () => {
    const env = { ERS_BRIDGE_SANDBOX_HOST: '0.0.0.0' };
    expect(loadSettings(join(dir, 'config'), env).settings.sandbox.host).to.equal('0.0.0.0');
    expect(loadSettings(join(dir, 'config'), {}).settings.sandbox.host).to.equal('127.0.0.1');
  });

  it('listens on every address with 0.0.0.0, and the engine still reaches it (REF^I12 → AA, UBRN)', async () => {
    const ports = await start({ ERS_BRIDGE_SANDBOX_HOST: '0.0.0.0' });
    expect(await reachableOn127002(ports.sandbox)).to.equal(true);
    const ref = readFileSync(join(repoRoot, 'samples/hl7/ref-i12-original-mode.hl7'), 'utf8');
    const ack = await sendMllp(ports.mllp, ref.replace(/\r?\n/g, '\r').trimEnd());
    const msa = ack.split('\r').find((s) => s.startsWith('MSA|')) ?? '';
    expect(msa.split('|')[1]).to.equal('AA');
    expect(msa.split('|')[3]).to.match(/^UBRN \d{12}$/);
  });

  it('stays on loopback by default', async () => {
    const ports = await start({});
    expect(await reachableOn127002(ports.sandbox)).to.equal(false);
    const res = await fetch(`http://127.0.0.1:${ports.sandbox}/_sandbox/state`);
    expect(res.status).to.equal(200);
  });
});
