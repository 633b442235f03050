import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { DEFAULT_SEED, mergeSeed, startSandbox } from '../../src/sandbox/index.js';
import { repoRoot } from '../support/engine-process.js';
import { SEED_FILE } from './support.js';

describe('sandbox: seed files, start options and the CLI', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sandbox-seed-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('lays a seed over the default: same ids replace, new ids add, patients join', () => {
    const seed = mergeSeed(DEFAULT_SEED, {
      patients: ['9000000009'],
      services: [
        { id: '10000', name: 'Renamed', kind: 'TRIAGE', specialty: 'CARDIOLOGY', ods: 'R69' },
      ],
    });
    expect(seed.patients).to.include.members(['9912003888', '9000000009']);
    expect(seed.services.find((s) => s.id === '10000')?.name).to.equal('Renamed');
    expect(seed.services).to.have.length(DEFAULT_SEED.services.length);
  });

  it('starts from empty lists with replaceDefaults', () => {
    const seed = mergeSeed(DEFAULT_SEED, {
      replaceDefaults: true,
      patients: ['9000000009'],
      services: [],
      firstUbrn: 1,
      slotsFrom: '2027-01-11T09:00:00Z',
    });
    expect(seed.patients).to.deep.equal(['9000000009']);
    expect(seed.adviceRequests).to.deep.equal([]);
  });

  it('lists every problem of an invalid seed at once, with where it is', () => {
    expect(() =>
      mergeSeed(DEFAULT_SEED, { patients: ['12'], referrals: [{ ubrn: '1' }] }),
    ).to.throw(
      /patients\.\d+: an NHS number is 10 digits.*referrals\.\d+\.ubrn: a UBRN is 12 digits/,
    );
    expect(() => mergeSeed(DEFAULT_SEED, [])).to.throw(/mapping/);
  });

  it('starts with a seed file and initial faults', async () => {
    const file = join(dir, 'seed.yaml');
    writeFileSync(
      file,
      "referrals:\n  - { ubrn: '000000055555', version: 2, state: NOT_BOOKED, nhsNumber: '9912003888', priority: URGENT, serviceIds: ['10000'] }\n",
    );
    const sandbox = await startSandbox({ seedFile: file, faults: { failNext: [{ status: 503 }] } });
    try {
      expect(sandbox.state.referrals.get('000000055555')?.priority).to.equal('URGENT');
      expect((await fetch(`${sandbox.url}/_sandbox/state`)).status).to.equal(200);
      const first = await fetch(`${sandbox.url}/FHIR/STU3/ReferralRequest/000000055555`);
      expect(first.status).to.equal(503);
    } finally {
      await sandbox.close();
    }
  });

  it('refuses to start with a seed file that does not validate, naming the file', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'services: [{ id: x }]\n');
    const error = await startSandbox({ seedFile: file }).catch((e: unknown) => e as Error);
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message)
      .to.include('bad.yaml')
      .and.include('services');
  });

  it('runs alone with `ers-bridge sandbox --port 0 --seed FILE`', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(repoRoot, 'src/cli/main.ts'),
        'sandbox',
        '--port',
        '0',
        '--seed',
        SEED_FILE,
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let out = '';
      while (!/listening on (\S+)/.test(out)) {
        const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
        out += chunk.toString();
      }
      const url = /listening on (\S+)/.exec(out)?.[1] ?? '';
      const state = (await (await fetch(`${url}/_sandbox/state`)).json()) as {
        referrals: { ubrn: string }[];
      };
      expect(state.referrals.map((r) => r.ubrn)).to.include('000000098888');
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
