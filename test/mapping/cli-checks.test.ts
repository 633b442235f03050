import { expect } from 'chai';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/support.js';

const REPO = process.cwd();

describe('ers-bridge validate and mapping run: the compile-time and runtime checks', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ers-cli-checks-'));
    mkdirSync(join(dir, 'channels'));
    cpSync(join(REPO, 'mappings'), join(dir, 'mappings'), { recursive: true });
    cpSync(
      join(REPO, 'channels', 'csv-referrals.yaml'),
      join(dir, 'channels', 'csv-referrals.yaml'),
    );
    writeFileSync(
      join(dir, 'settings.yaml'),
      `dataDir: ${join(dir, 'data')}\nsandbox: { enabled: false }\nlogging: { level: silent }\n`,
    );
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('validate refuses a table value that is not an e-RS code (2WW: TWO_WEEK)', async () => {
    const table = join(dir, 'mappings', 'tables', 'priority.yaml');
    const text = readFileSync(table, 'utf8');
    writeFileSync(table, text.replace('  W: TWO_WEEK_WAIT', '  2WW: TWO_WEEK'));
    const line = text.split('\n').findIndex((l) => l.startsWith('  W:')) + 1;
    const r = await runCli(['validate', '--config', dir]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.include(
      `${table}:${line}:8: "TWO_WEEK" (for 2WW) is not a priority (A021 schema) code`,
    );
    expect(r.stdout).to.include('1 channel file(s), 0 valid, 1 error(s)');
  });

  it('validate passes the shipped CSV channel with its tables', async () => {
    const r = await runCli(['validate', '--config', dir]);
    expect(r.stdout).to.include('1 channel file(s), 1 valid, 0 error(s)');
    expect(r.code).to.equal(0);
  });

  it('mapping run names the rule beside the field of a runtime error', async () => {
    const r = await runCli([
      'mapping',
      'run',
      join(dir, 'mappings', 'ref-i12-a021.yaml'),
      join(REPO, 'samples/ref-i12-a021/cases/unknown-priority/input.hl7'),
    ]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.include(
      'error MAP_UNMAPPED_CODE at RF1-2.1 (rule priority, mappings/ref-i12-a021.yaml:13:3):\nRF1-2.1: code "Z" is not in table priority',
    );
  });
});
