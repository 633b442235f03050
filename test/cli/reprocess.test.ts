import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { repoRoot } from '../support/engine-process.js';
import { CLI, childEnv, createCliStore, runCli, type CliStore } from './support.js';

describe('cli: ers-bridge messages reprocess', () => {
  let s: CliStore;
  beforeEach(() => {
    s = createCliStore();
  });
  afterEach(() => {
    s.cleanup();
  });

  /** 120 messages, the first 110 DEAD. */
  const seedDead = (): Promise<number[]> =>
    s.seed(
      Array.from({ length: 120 }, () => ({})),
      async (store, ids) => {
        for (const id of ids.slice(0, 110))
          await store.transition(id, { to: 'DEAD', stage: 'test', actor: 'test' });
      },
    );

  it('--status DEAD reprocesses every match (past one page), prints a summary and audits the OS user', async () => {
    await seedDead();
    // Without $USER, as under cron or systemd: the actor still names the user.
    const { code, stdout, stderr } = await runCli(
      ['messages', 'reprocess', '--status', 'DEAD', '--note', 'after the outage', ...s.flags],
      { env: { USER: undefined, LOGNAME: undefined } },
    );
    expect(stderr).to.equal('');
    expect(code).to.equal(0);
    expect(stdout).to.equal('110 matched: 110 reprocessed, 0 skipped\n');
    const store = await s.open();
    try {
      expect(await store.list({ status: 'DEAD' })).to.have.length(0);
      expect(await store.list({ status: 'RECEIVED', limit: 500 })).to.have.length(120);
      const audit = (await store.listAudit({ limit: 500 })).filter(
        (a) => a.action === 'message.reprocess',
      );
      expect(audit).to.have.length(110);
      expect(new Set(audit.map((a) => a.actor))).to.deep.equal(
        new Set([`cli:${userInfo().username}`]),
      );
    } finally {
      await store.close();
    }
  });

  it('--limit caps the set; refusals are counted by reason with one line each', async () => {
    const ids = await seedDead();
    const capped = await runCli([
      'messages',
      'reprocess',
      '--status',
      'DEAD',
      '--limit',
      '7',
      ...s.flags,
    ]);
    expect(capped.stdout).to.equal('7 matched: 7 reprocessed, 0 skipped\n');
    const mixed = await runCli(['messages', 'reprocess', String(ids[0]), '99999', ...s.flags]);
    expect(mixed.code).to.equal(1);
    expect(mixed.stdout).to.equal('2 matched: 1 reprocessed, 1 skipped (1 not-found)\n');
    expect(mixed.stderr).to.equal('skipped 99999: no such message\n');
  });

  it('shows a progress bar on a terminal', async function () {
    await seedDead();
    // `script` gives the command a pseudo-terminal, as an operator's shell does.
    const which = spawnSync('script', ['--version']);
    if (which.error !== undefined) this.skip();
    const command = [process.execPath, '--import', 'tsx', CLI, 'messages', 'reprocess']
      .concat(['--status', 'DEAD', ...s.flags])
      .map((a) => `'${a}'`)
      .join(' ');
    const run = spawnSync('script', ['-qec', command, '/dev/null'], {
      cwd: repoRoot,
      env: childEnv(),
      encoding: 'utf8',
    });
    expect(run.status).to.equal(0);
    expect(run.stdout).to.match(/reprocessing \[[█░]+\] 110\/110 100%/);
    expect(run.stdout).to.contain('110 matched: 110 reprocessed, 0 skipped');
  });
});
