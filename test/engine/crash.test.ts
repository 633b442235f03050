import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteMessageStore } from '../../src/store/sqlite/index.js';
import { createHarness, type Harness, eventually } from '../support/engine-harness.js';
import { freePort, startEngineProcess } from '../support/engine-process.js';

// Also with processing on its own thread (decision 170): the kill takes every thread at once.
for (const processIn of ['main', 'thread'] as const)
  describe(`engine: crash safety (SIGKILL mid-stream)${processIn === 'thread' ? ', processing on a thread' : ''}`, () => {
    let h: Harness;
    before(() => {
      h = createHarness();
    });
    after(() => h.cleanup());

    it('loses no acknowledged message and leaves none half-written', async function () {
      this.timeout(60_000);
      const port = await freePort();
      h.writeChannel(
        'in.yaml',
        `id: crash\nsource: { type: http, port: ${port} }\ndestinations:\n  - { name: out, type: file, folder: out }\n`,
      );
      writeFileSync(
        join(h.configDir, 'settings.yaml'),
        `dataDir: ${h.dataDir}\nhttp: { port: 0 }\nsandbox: { enabled: false }\nhotReload: false\nlogging: { level: silent }\n` +
          // Short leases, so the restarted engine below takes over the killed one's messages soon.
          `workers: { leaseMs: 5000, processIn: ${processIn} }\n`,
      );
      const child = await startEngineProcess(h.configDir, {});
      const acked = new Map<string, string>();
      let sent = 0;
      let stop = false;
      // 8 concurrent senders; the engine is killed while they are mid-stream.
      const sender = async (w: number): Promise<void> => {
        for (let i = 0; !stop; i++) {
          const id = `w${w}-${i}`;
          const body = JSON.stringify({ id, padding: 'x'.repeat(200 + ((i * 37) % 500)) });
          sent++;
          try {
            const res = await fetch(`http://127.0.0.1:${port}/messages`, {
              method: 'POST',
              headers: { 'x-message-id': id },
              body,
            });
            if (res.status === 202) acked.set(id, body);
          } catch {
            return; // connection refused or reset: the engine is gone; unacknowledged is allowed to be lost
          }
        }
      };
      const senders = Array.from({ length: 8 }, (_, w) => sender(w));
      while (acked.size < 400) await new Promise((r) => setTimeout(r, 10));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      stop = true;
      await Promise.all(senders);

      const file = join(h.dataDir, 'ers-bridge.db');
      const raw = new Database(file);
      expect(raw.pragma('integrity_check', { simple: true })).to.equal('ok');
      raw.close();
      const store = new SqliteMessageStore({ file });
      try {
        for (const [id, body] of acked) {
          const m =
            (await store.findByControlId('crash', '127.0.0.1', id)) ??
            (await store.findByControlId('crash', '::ffff:127.0.0.1', id));
          expect(m, `acknowledged message ${id} missing`).to.not.equal(undefined);
          expect(m?.raw?.toString()).to.equal(body);
        }
        // Every stored row is whole: its body is the one its sender sent under that id.
        const rows = await store.list({ channel: 'crash', limit: 1000 });
        for (const r of rows) {
          const m = await store.get(r.id);
          expect(JSON.parse(m?.raw?.toString() ?? '{}')).to.have.property('id', m?.controlId);
        }
        expect(sent).to.be.greaterThan(acked.size - 1);
      } finally {
        await store.close();
      }

      // Restarted, the engine finishes what the kill interrupted: a message cut off between its
      // file's write and its SENT write is simply written again (the file destination is safe to
      // repeat), so every acknowledged message ends SENT with its file holding its body.
      const again = await startEngineProcess(h.configDir, {});
      const reopened = new SqliteMessageStore({ file });
      try {
        await eventually(async () => {
          const left = await reopened.list({
            channel: 'crash',
            status: ['RECEIVED', 'TRANSFORMED', 'QUEUED'],
            limit: 1,
          });
          return left.length === 0;
        }, 30_000);
        for (const r of await reopened.list({ channel: 'crash', limit: 1000 })) {
          const m = await reopened.get(r.id);
          expect(m?.status, `message ${r.id}`).to.equal('SENT');
          const out = m?.destinationResults['out'] as { output: { file: string } };
          expect(readFileSync(out.output.file, 'utf8')).to.equal(m?.raw?.toString());
        }
      } finally {
        again.kill('SIGTERM');
        await new Promise((r) => again.once('exit', r));
        await reopened.close();
      }
    });
  });
