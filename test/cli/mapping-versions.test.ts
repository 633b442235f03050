import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { compileMappingFile } from '../../src/mapping/compile.js';
import { mappingVersionOf } from '../../src/mapping/versions.js';
import { repoRoot } from '../support/engine-process.js';
import { createCliStore, runCli, type CliStore } from './support.js';

describe('cli: ers-bridge mapping history, diff and rollback', () => {
  let cli: CliStore;
  let file: string;
  let original: string;
  let first: string;
  let second: string;

  beforeEach(async () => {
    cli = createCliStore();
    cpSync(join(repoRoot, 'mappings'), join(cli.configDir, 'mappings'), { recursive: true });
    file = join(cli.configDir, 'mappings/ref-i12-a021.yaml');
    original = readFileSync(file, 'utf8');
    // Two versions as an engine would keep them when it loads each: the shipped one, then an edit.
    const v1 = mappingVersionOf(compileMappingFile(file), cli.configDir, Date.UTC(2026, 11, 1));
    writeFileSync(file, original.replace('const: false', 'const: true'));
    const v2 = mappingVersionOf(compileMappingFile(file), cli.configDir, Date.UTC(2026, 11, 2));
    [first, second] = [v1.hash, v2.hash];
    await cli.seed([], async (store) => {
      await store.recordMappingVersion(v1);
      await store.recordMappingVersion(v2);
    });
  });
  afterEach(() => {
    cli.cleanup();
  });

  it('lists the kept versions newest first and marks the deployed one', async () => {
    const result = await runCli(['mapping', 'history', 'ref-i12-a021', ...cli.flags]);
    expect(result.code).to.equal(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).to.match(/^VERSION\s+FIRST USED \(UK\)\s+FILE/);
    expect(lines[1]).to.match(
      new RegExp(`^${second.slice(0, 12)}\\s+2026-12-02 .*mappings/ref-i12-a021.yaml\\s+deployed$`),
    );
    expect(lines[2]).to.match(
      new RegExp(`^${first.slice(0, 12)}\\s+2026-12-01 .*mappings/ref-i12-a021.yaml$`),
    );
  });

  it('diffs two versions as a unified diff of the mapping text', async () => {
    const result = await runCli([
      'mapping',
      'diff',
      'ref-i12-a021',
      first.slice(0, 8),
      second.slice(0, 8),
      ...cli.flags,
    ]);
    expect(result.code).to.equal(0);
    expect(result.stdout).to.include('-    const: false');
    expect(result.stdout).to.include('+    const: true');
  });

  it('rolls the deployed file back to a kept version, audited, and says so', async () => {
    const result = await runCli([
      'mapping',
      'rollback',
      'ref-i12-a021',
      first.slice(0, 10),
      ...cli.flags,
    ]);
    expect(result.stderr).to.equal('');
    expect(result.code).to.equal(0);
    expect(result.stdout).to.include(`${second.slice(0, 12)} → ${first.slice(0, 12)}`);
    expect(readFileSync(file, 'utf8')).to.equal(original);
    const store = await cli.open();
    try {
      const [entry] = (await store.listAudit({})).filter((a) => a.action === 'mapping.rollback');
      expect(entry?.detail).to.deep.include({ from: second, to: first });
    } finally {
      await store.close();
    }
    const diff = await runCli(['mapping', 'diff', 'ref-i12-a021', first.slice(0, 8), ...cli.flags]);
    expect(diff.stdout).to.equal('no differences\n');
  });

  it('refuses an unknown or ambiguous version in one line', async () => {
    const result = await runCli(['mapping', 'rollback', 'ref-i12-a021', 'abcdef99', ...cli.flags]);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('no kept version starts with abcdef99');
  });
});
