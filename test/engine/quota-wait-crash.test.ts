import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteMessageStore } from '../../src/store/sqlite/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { createHarness, type Harness, eventually } from '../support/engine-harness.js';
import { freePort, startEngineProcess } from '../support/engine-process.js';

/**
 * Decision 180, "in flight only when it can go out": messages waiting for an e-RS quota slot
 * when the engine is killed were never sent, so the restarted engine sends them as usual — not
 * to review (ENGINE_INTERRUPTED_SEND) — and e-RS gets every message's call exactly once.
 * Real parts: the engine as a child process killed with SIGKILL, the sandbox in this process (it
 * outlives the kill, so its state is what e-RS would hold), SQLite on disk.
 */
const MESSAGES = 10;
const A021_PATH = '/ReferralRequest/$ers.createReferralAndSendForTriage';

// Also with processing on its own thread (decision 170): the destination then waits there.
for (const processIn of ['main', 'thread'] as const)
  describe(`engine: a kill while e-RS calls wait for the quota (SIGKILL)${processIn === 'thread' ? ', processing on a thread' : ''}`, () => {
    let h: Harness;
    let sandbox: RunningSandbox;
    before(async () => {
      h = createHarness();
      sandbox = await startSandbox({ port: 0 });
    });
    after(async () => {
      await sandbox.close();
      await h.cleanup();
    });

    const a021Calls = (): number =>
      sandbox.state.requests.filter((r) => r.method === 'POST' && r.path.endsWith(A021_PATH))
        .length;

    it('processes the messages never sent as usual after a restart, and creates no referral twice', async function () {
      this.timeout(120_000);
      const port = await freePort();
      // No ordering key (the default is the NHS number, the same in every message): every message
      // may be in flight at once, 4 workers × 2 (decision 180).
      h.writeChannel(
        'c.yaml',
        `id: quota\nsource: { type: http, port: ${port}, orderingKey: [] }\ndestinations:\n  - { name: ers, type: ers, operation: A021 }\n`,
      );
      writeFileSync(
        join(h.configDir, 'settings.yaml'),
        [
          `dataDir: ${h.dataDir}`,
          'http: { port: 0 }',
          'sandbox: { enabled: false }',
          'hotReload: false',
          'logging: { level: silent }',
          // Short leases: the restarted engine takes the killed one's messages over soon.
          `workers: { leaseMs: 3000, pollIntervalMs: 50, processIn: ${processIn} }`,
          // One call a second: most of the messages in hand wait for the quota.
          `ers: { baseUrl: "${sandbox.url}", codeSystemBase: _baseUrl_, requestsPerMinute: 60, ` +
            'auth: { mode: platform, accessToken: sandbox-access-token, businessFunction: REFERRING_CLINICIAN, odsCode: R69 } }',
        ].join('\n') + '\n',
      );
      const child = await startEngineProcess(h.configDir, {});
      const file = join(h.dataDir, 'ers-bridge.db');
      try {
        for (let i = 0; i < MESSAGES; i++) {
          const res = await fetch(`http://127.0.0.1:${port}/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-message-id': `m${i}` },
            body: JSON.stringify({
              nhsNumber: '9912003888',
              priority: 'ROUTINE',
              serviceIds: ['11004'],
            }),
          });
          expect(res.status).to.equal(202);
        }
        // Kill just after the first call's SENT commits: its next slot is a second away, so the
        // other messages in hand are waiting for the quota, none is being sent.
        await eventually(() => countStatus(file, 'SENT') >= 1, 30_000);
      } finally {
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
      }
      const sentBeforeKill = a021Calls();
      expect(sentBeforeKill, 'calls e-RS got before the kill').to.be.lessThan(MESSAGES);

      const again = await startEngineProcess(h.configDir, {});
      try {
        await eventually(
          () => countStatus(file, 'SENT') + countStatus(file, 'NEEDS_REVIEW') === MESSAGES,
          90_000,
        );
      } finally {
        again.kill('SIGTERM');
        await new Promise((r) => again.once('exit', r));
      }
      const store = new SqliteMessageStore({ file });
      try {
        const rows = await store.list({ channel: 'quota', limit: 100 });
        expect(rows).to.have.length(MESSAGES);
        const reviewed = rows.filter((r) => r.status === 'NEEDS_REVIEW');
        // At most the one call that may have been on the wire at the kill (its SENT not yet
        // written, on a very loaded machine) goes to review; on main every waiting message did.
        expect(reviewed.length, 'messages sent to review').to.be.at.most(1);
        expect(reviewed.length + rows.filter((r) => r.status === 'SENT').length).to.equal(MESSAGES);
        const ubrns = new Set<string>();
        for (const r of rows.filter((m) => m.status === 'SENT')) {
          const m = await store.get(r.id);
          const out = m?.destinationResults['ers'] as { output: { ubrn: string } };
          ubrns.add(out.output.ubrn);
        }
        expect(ubrns.size, 'one referral per SENT message').to.equal(MESSAGES - reviewed.length);
      } finally {
        await store.close();
      }
      // e-RS got each message's call exactly once: none twice, none left out (a reviewed
      // message's call is the one that was on the wire).
      expect(a021Calls(), 'A021 calls e-RS received').to.equal(MESSAGES);
      const created = [...sandbox.state.referrals.values()].filter(
        (r) => !sandbox.state.seed.referrals.some((s) => s.ubrn === r.ubrn),
      );
      expect(created, 'referrals created in e-RS').to.have.length(MESSAGES);
    });
  });

/** Messages of this status, read from the engine's database file while it runs (WAL). */
function countStatus(file: string, status: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT count(*) AS n FROM messages WHERE status = ?').get(status) as {
      n: number;
    };
    return row.n;
  } finally {
    db.close();
  }
}
