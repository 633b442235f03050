import { expect } from 'chai';
import { userInfo } from 'node:os';
import { DateTime } from 'luxon';
import { createCliStore, runCli, type CliStore } from './support.js';

const NHS = '9912003888';

describe('cli: ers-bridge messages show', () => {
  let s: CliStore;
  beforeEach(() => {
    s = createCliStore();
  });
  afterEach(() => {
    s.cleanup();
  });

  const seed = async (): Promise<number> => {
    const [id] = await s.seed(
      [
        {
          raw: Buffer.from(
            `MSH|^~\\&|PAS|RXX01|ERS|RXX01|1||REF^I12|PAS1|P|2.4\rPID|||${NHS}^^^NHS\r`,
          ),
          sourceMeta: { file: 'referrals.csv', row: 3 },
          searchKeys: { ubrn: '000000070000', nhsNumberHash: 'ab12cd34ef56ab78' },
        },
      ],
      async (store, ids) => {
        await store.transition(ids[0] ?? 0, {
          to: 'ERROR',
          stage: 'transform',
          actor: 'worker:w1',
          patch: {
            error: {
              code: 'MAPPING_FAILED',
              message: `no service for patient ${NHS}`,
              retry: 'permanent',
            },
          },
        });
      },
    );
    return id ?? 0;
  };

  it('prints sections with UK local times and the NHS number masked', async () => {
    const id = await seed();
    const { code, stdout, stderr } = await runCli(['messages', 'show', String(id), ...s.flags]);
    expect(stderr).to.equal('');
    expect(code).to.equal(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).to.equal(`Message ${id}  ERROR`);
    expect(lines).to.include.members(['Identifiers', 'Source', 'Error', 'History (UK time)']);
    expect(stdout).to.not.contain(NHS);
    expect(stdout).to.contain('*******888');
    expect(stdout).to.match(/ubrn\s+000000070000/);
    expect(stdout).to.match(/nhsNumberHash\s+\(hashed\)/);
    expect(stdout).to.match(/file\s+referrals\.csv/);
    expect(stdout).to.contain('MAPPING_FAILED: no service for patient *******888');
    expect(stdout).to.not.match(/^\s*[{}]/m);
    // Received in Europe/London time with its zone name, matching the stored instant.
    const store = await s.open();
    const m = await store.get(id);
    await store.close();
    const expected = DateTime.fromMillis(m?.receivedAt ?? 0, { zone: 'Europe/London' }).toFormat(
      'yyyy-LL-dd HH:mm:ss ZZZZ',
    );
    expect(stdout).to.match(new RegExp(`Received\\s+${expected}\\n`));
    expect(expected).to.match(/ (GMT|BST)$/);
    expect(lines.filter((l) => l.includes('ERROR') && l.includes('transform'))).to.have.length(1);
  });

  it('--json prints the whole record for scripts; --raw prints the body and audits the OS user', async () => {
    const id = await seed();
    const json = await runCli(['messages', 'show', String(id), '--json', ...s.flags]);
    const record = JSON.parse(json.stdout) as {
      id: number;
      receivedAt: number;
      rawBytes: number;
      events: { stage: string }[];
    };
    expect(record.id).to.equal(id);
    expect(record.receivedAt).to.be.a('number');
    expect(record.events.map((e) => e.stage)).to.include('transform');
    const raw = await runCli(['messages', 'show', String(id), '--raw', ...s.flags], {
      env: { USER: undefined },
    });
    expect(raw.stdout).to.contain(`\nBody\nMSH|`);
    const store = await s.open();
    const audit = await store.listAudit({});
    await store.close();
    expect(audit.map((a) => [a.action, a.actor])).to.deep.include([
      'message.view-body',
      `cli:${userInfo().username}`,
    ]);
  });

  it('a missing message is one line on stderr and status 1', async () => {
    await seed();
    const { code, stdout, stderr } = await runCli(['messages', 'show', '999', ...s.flags]);
    expect([code, stdout, stderr]).to.deep.equal([1, '', 'no message 999\n']);
  });
});
