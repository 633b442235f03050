import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { repoRoot } from '../support/engine-process.js';
import { createCliStore, runCli, type CliStore } from './support.js';

const sample = (path: string): Buffer => readFileSync(join(repoRoot, 'samples', path));

/** A copy of the shipped REF^I12 mapping with one edit, written beside the deployed one. */
function candidate(cli: CliStore, edit: (text: string) => string): string {
  const deployed = readFileSync(join(cli.configDir, 'mappings/ref-i12-a021.yaml'), 'utf8');
  const file = join(cli.configDir, 'mappings/ref-i12-a021.candidate.yaml');
  writeFileSync(file, edit(deployed));
  return file;
}

describe('cli: ers-bridge mapping replay', () => {
  let cli: CliStore;
  beforeEach(async () => {
    cli = createCliStore();
    cpSync(join(repoRoot, 'mappings'), join(cli.configDir, 'mappings'), { recursive: true });
    writeFileSync(
      join(cli.configDir, 'channels/pas.yaml'),
      [
        'id: pas-mllp',
        'source: { type: mllp, port: 0 }',
        'transformer: { type: mapping, mappings: [mappings/ref-i12-a021.yaml] }',
        `destinations: [{ name: out, type: file, folder: ${join(cli.dir, 'out')} }]`,
        '',
      ].join('\n'),
    );
    const ref = sample('ref-i12-a021/input.hl7');
    await cli.seed([
      { raw: ref },
      { raw: Buffer.from(ref.toString('latin1').replace(/\|PAS\d+\|/, '|PASX|'), 'latin1') },
      { raw: sample('hl7/adt-a08.hl7'), messageType: 'ADT^A08' },
    ]);
  });
  afterEach(() => {
    cli.cleanup();
  });

  it('shows each changed request as JSON paths and counts the unchanged and not applicable', async () => {
    const file = candidate(cli, (t) => t.replace('const: false', 'const: true'));
    const result = await runCli(['mapping', 'replay', file, ...cli.flags]);
    expect(result.stderr).to.equal('');
    expect(result.code).to.equal(0);
    const changed = result.stdout.split('\n').filter((l) => l.includes(': changed'));
    expect(changed).to.have.length(2);
    expect(result.stdout).to.match(
      /~ \$\.body\.parameter\[\d+\]\.resource\.contained\[0\]\.parameter\[\d+\]\.valueBoolean: false → true/,
    );
    expect(result.stdout).to.include('3 replayed: 2 changed, 1 not applicable; nothing was sent');
  });

  it('reports messages a candidate would now refuse, with the error and where', async () => {
    const file = candidate(cli, (t) => t.replace('from: RF1-2.1', 'from: RF1-99.1'));
    const result = await runCli(['mapping', 'replay', file, '--type', 'REF^I12', ...cli.flags]);
    expect(result.code).to.equal(0);
    expect(result.stdout).to.include('now-failing');
    expect(result.stdout).to.match(/candidate: MAP_REQUIRED_FIELD_MISSING/);
    expect(result.stdout).to.include('2 replayed: 2 now failing');
  });

  it('writes one JSON object per message and the summary with --json, and audits the replay', async () => {
    const file = candidate(cli, (t) => t);
    const result = await runCli(['mapping', 'replay', file, '--json', ...cli.flags]);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.slice(0, -1).map((l) => l['outcome'])).to.have.members([
      'same',
      'same',
      'not-applicable',
    ]);
    expect(lines.at(-1)).to.deep.include({
      summary: {
        total: 3,
        same: 2,
        changed: 0,
        'now-failing': 0,
        'now-passing': 0,
        'still-failing': 0,
        'not-applicable': 1,
        'no-body': 0,
      },
    });
    const store = await cli.open();
    try {
      const audit = await store.listAudit({});
      expect(audit.map((a) => a.action)).to.include('mapping.replay');
    } finally {
      await store.close();
    }
  });

  it('compiles a candidate kept outside mappings/ with the deployed tables', async () => {
    const deployed = readFileSync(join(cli.configDir, 'mappings/ref-i12-a021.yaml'), 'utf8');
    const file = join(cli.dir, 'ref-i12-a021.trust-b.yaml');
    writeFileSync(file, deployed.replace('const: false', 'const: true'));
    const result = await runCli(['mapping', 'replay', file, ...cli.flags]);
    expect(result.stderr).to.equal('');
    expect(result.stdout).to.include('3 replayed: 2 changed, 1 not applicable');
  });

  it('names the channel to use when no channel deploys the candidate mapping id', async () => {
    const file = candidate(cli, (t) => t.replace('id: ref-i12-a021', 'id: ref-i12-trust-b'));
    const result = await runCli(['mapping', 'replay', file, ...cli.flags]);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('no channel deploys a mapping with id "ref-i12-trust-b"');
    const tried = await runCli(['mapping', 'replay', file, '--channel', 'pas-mllp', ...cli.flags]);
    expect(tried.code).to.equal(0);
    expect(tried.stdout).to.include('3 replayed: 2 same, 1 not applicable');
  });
});
