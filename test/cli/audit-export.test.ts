import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../support/engine-harness.js';
import { repoRoot } from '../support/engine-process.js';

describe('cli: ers-bridge audit export', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(() => h.cleanup());

  it('writes one CSV row per e-RS call with the §8 fields, and audits the export', async () => {
    h.writeChannel(
      'c.yaml',
      'id: c\nsource: { type: http, port: 0 }\ndestinations:\n  - { name: ers, type: ers, operation: A021 }\n',
    );
    const running = await h.start('sandbox: { enabled: true, port: 0 }\n');
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const res = await fetch(`http://127.0.0.1:${port}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ nhsNumber: '9912003888', priority: 'ROUTINE', serviceIds: ['11004'] }), // NHS's cardiology triage service
    });
    const { id } = (await res.json()) as { id: number };
    const m = await eventually(async () => {
      const got = await running.store.get(id);
      return got?.status === 'SENT' ? got : undefined;
    });
    const ubrn = (m.destinationResults['ers'] as { output: { ubrn: string } }).output.ubrn;
    const out = join(h.dir, 'audit.csv');
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(repoRoot, 'src/cli/main.ts'),
        'audit',
        'export',
        '--config',
        h.configDir,
        '--from',
        '2020-01-01',
        '-o',
        out,
      ],
      { cwd: repoRoot, stdio: 'pipe' },
    );
    const lines = readFileSync(out, 'utf8').trim().split('\r\n');
    expect(lines[0]).to.equal(
      'id,eventTime,endpoint,eventType,auditType,ubrn,createdUbrn,nhsNumberHash,httpStatus,transactionId,correlationId,authMode,accessMode,userId,onBehalfOfUserId,organisation,organisationName,businessFunction,asid,sessionId,host,resourceType,attachmentId,fileName,durationMs',
    );
    expect(lines).to.have.length(2);
    const cells = (lines[1] ?? '').split(',');
    const cell = (name: string): string | undefined =>
      cells[(lines[0] ?? '').split(',').indexOf(name)];
    expect(cells[1]).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    expect(cell('endpoint')).to.equal('A021');
    expect(cell('eventType')).to.equal('POST');
    expect(cell('auditType')).to.equal('API A021');
    expect(cell('ubrn')).to.equal('');
    expect(cell('createdUbrn')).to.equal(ubrn);
    // The NHS number only as the search hash, never in clear.
    expect(cell('nhsNumberHash')).to.match(/^[0-9a-f]{16,}$/);
    expect(lines[1]).to.not.contain('9912003888');
    expect(cell('httpStatus')).to.equal('201');
    expect(cell('authMode')).to.equal('platform');
    expect(cell('durationMs')).to.match(/^\d+$/);
    expect(ubrn).to.match(/^\d{12}$/);
    expect((await running.store.listAudit({})).map((a) => a.action)).to.include('audit.export');
    const empty = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(repoRoot, 'src/cli/main.ts'),
        'audit',
        'export',
        '--config',
        h.configDir,
        '--to',
        '2020-01-01',
      ],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    expect(empty.trim().split('\r\n')).to.have.length(1);
  });
});
