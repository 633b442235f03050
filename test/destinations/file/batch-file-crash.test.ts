import { expect } from 'chai';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteMessageStore } from '../../../src/store/sqlite/index.js';
import { splitHl7Batch } from '../../../src/formats/hl7v2/index.js';
import { createHarness, type Harness, eventually } from '../../support/engine-harness.js';
import { freePort, startEngineProcess } from '../../support/engine-process.js';

const sample = readFileSync(new URL('../../../samples/hl7/ref-i12.hl7', import.meta.url), 'latin1');
const CONTROL_ID = /^MSH(?:\|[^|\r]*){8}\|([^|\r]+)/;

/** Every final-named file is a whole HL7 batch: header, trailer, and as many messages as BTS-1 says. */
function readWholeBatches(folder: string): Map<string, number> {
  const seen = new Map<string, number>();
  for (const name of readdirSync(folder)) {
    if (name.startsWith('.')) continue; // a temp file the kill left: never under a final name
    const bytes = readFileSync(join(folder, name));
    const split = splitHl7Batch(bytes);
    expect(split.issues, name).to.deep.equal([]);
    expect(
      bytes.toString('latin1').endsWith(`BTS|${split.messages.length}\rFTS|1\r`),
      name,
    ).to.equal(true);
    for (const m of split.messages) {
      const id = CONTROL_ID.exec(m.raw.toString('latin1'))?.[1] ?? '';
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
  }
  return seen;
}

describe('destinations/file: batch files survive a SIGKILL mid-stream', () => {
  let h: Harness;
  before(() => {
    h = createHarness();
  });
  after(() => h.cleanup());

  it('leaves only whole batch files, and after a restart every acknowledged message is SENT in one', async function () {
    this.timeout(90_000);
    const port = await freePort();
    h.writeChannel(
      'in.yaml',
      `id: crash\nsource: { type: http, port: ${port} }\nworkers: 4\nbatch: 16\ndestinations:\n  - { name: out, type: file, folder: out, mode: batch-file }\n`,
    );
    writeFileSync(
      join(h.configDir, 'settings.yaml'),
      `dataDir: ${h.dataDir}\nhttp: { port: 0 }\nsandbox: { enabled: false }\nhotReload: false\nlogging: { level: silent }\nworkers: { leaseMs: 5000 }\n`,
    );
    const child = await startEngineProcess(h.configDir, {});
    const acked = new Set<string>();
    let stop = false;
    const sender = async (w: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const id = `W${w}N${i}`;
        try {
          const res = await fetch(`http://127.0.0.1:${port}/messages`, {
            method: 'POST',
            headers: { 'x-message-id': id },
            body: sample.replace('PAS0000123', id),
          });
          if (res.status === 202) acked.add(id);
        } catch {
          return; // the engine is gone: an unacknowledged message may be lost
        }
      }
    };
    const senders = Array.from({ length: 8 }, (_, w) => sender(w));
    const folder = join(h.dataDir, 'out');
    // Killed once batch files are being written, so the kill lands among them.
    while (acked.size < 400) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    stop = true;
    await Promise.all(senders);
    readWholeBatches(folder);

    const again = await startEngineProcess(h.configDir, {});
    const store = new SqliteMessageStore({ file: join(h.dataDir, 'ers-bridge.db') });
    try {
      await eventually(async () => {
        const left = await store.list({
          channel: 'crash',
          status: ['RECEIVED', 'TRANSFORMED', 'QUEUED'],
          limit: 1,
        });
        return left.length === 0;
      }, 30_000);
      const seen = readWholeBatches(folder);
      for (const id of acked)
        expect(seen.get(id) ?? 0, `message ${id} in no batch file`).to.be.greaterThan(0);
      for (const r of await store.list({ channel: 'crash', limit: 5000 })) {
        const m = await store.get(r.id);
        expect(m?.status, `message ${r.id}`).to.equal('SENT');
        const place = (m?.destinationResults['out'] as { output: { file: string; index: number } })
          .output;
        const there = splitHl7Batch(readFileSync(place.file)).messages[place.index - 1];
        expect(CONTROL_ID.exec(there?.raw.toString('latin1') ?? '')?.[1]).to.equal(m?.controlId);
      }
    } finally {
      again.kill('SIGTERM');
      await new Promise((r) => again.once('exit', r));
      await store.close();
    }
  });
});
