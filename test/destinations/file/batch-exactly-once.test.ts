import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../../src/store/index.js';
import type { MessageStore } from '../../../src/core/store-types.js';
import { splitHl7Batch } from '../../../src/formats/hl7v2/index.js';
import { createHarness, type Harness, eventually } from '../../support/engine-harness.js';
import { freePort, repoRoot, startEngineProcess } from '../../support/engine-process.js';
import { pgCluster } from '../../support/pg-cluster.js';

/**
 * Decision 215: the engine, as a child process, kills itself (SIGKILL, ERS_BRIDGE_TEST_CRASH_AT)
 * right after the first file's name is durable and before any of its messages' SENT is written:
 * the one moment where a batch file's messages used to be written again after the restart.
 */
const sample = readFileSync(new URL('../../../samples/hl7/ref-i12.hl7', import.meta.url), 'latin1');
const CONTROL_ID = /^MSH(?:\|[^|\r]*){8}\|([^|\r]+)/;
const N = 120;
const controlId = (n: number): string => `PX${String(n).padStart(6, '0')}`;
const UNFINISHED = ['RECEIVED', 'TRANSFORMED', 'QUEUED'] as const;

interface Place {
  readonly file: string;
  readonly index: number;
  readonly count: number;
  readonly recovered?: boolean;
}

/** Runs the engine with the kill point set; resolves with the signal it died of. */
function runUntilItKillsItself(configDir: string, crashAt: string): Promise<string | null> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), 'start', '--config', configDir],
    { cwd: repoRoot, env: { ...process.env, ERS_BRIDGE_TEST_CRASH_AT: crashAt }, stdio: 'ignore' },
  );
  // A kill point never reached must fail the test, not hang it: stopped with SIGTERM, not SIGKILL.
  const guard = setTimeout(() => child.kill('SIGTERM'), 60_000);
  return new Promise((resolve) => {
    child.once('exit', (_code, signal) => {
      clearTimeout(guard);
      resolve(signal);
    });
  });
}

/** The stored messages of the channel, appended before the engine starts (so all are there). */
async function appendAll(store: MessageStore): Promise<void> {
  await store.appendMany(
    Array.from({ length: N }, (_, n) => ({
      channel: 'crash',
      sender: 'test',
      controlId: controlId(n),
      contentType: 'application/hl7-v2',
      raw: Buffer.from(sample.replace('PAS0000123', controlId(n)), 'latin1'),
    })),
  );
}

/** How many times each control id is in the folder's batch files (all of them whole). */
function countInBatches(folder: string): Map<string, number> {
  const seen = new Map<string, number>();
  for (const name of readdirSync(folder)) {
    if (name.startsWith('.')) continue; // a temp file: never under a final name
    const split = splitHl7Batch(readFileSync(join(folder, name)));
    expect(split.issues, name).to.deep.equal([]);
    for (const m of split.messages) {
      const id = CONTROL_ID.exec(m.raw.toString('latin1'))?.[1] ?? '';
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
  }
  return seen;
}

async function allFinished(store: MessageStore): Promise<boolean> {
  const left = await store.list({ channel: 'crash', status: [...UNFINISHED], limit: 1 });
  return left.length === 0;
}

/** Where the engine and the test keep messages: SQLite in the data folder, or a PostgreSQL database. */
type StoreKind = 'sqlite' | 'postgres';

async function setUp(
  h: Harness,
  variant: { readonly processIn: string; readonly store: string },
  destination: string,
): Promise<MessageStore> {
  const { processIn } = variant;
  const port = await freePort();
  h.writeChannel(
    'in.yaml',
    `id: crash\nsource: { type: http, port: ${port} }\nworkers: 4\nbatch: 16\ndestinations:\n  - ${destination}\n`,
  );
  writeFileSync(
    join(h.configDir, 'settings.yaml'),
    `dataDir: ${h.dataDir}\nhttp: { port: 0 }\nsandbox: { enabled: false }\nhotReload: false\nlogging: { level: silent }\n` +
      // Short leases: the restarted engine takes over the killed one's messages soon.
      `workers: { leaseMs: 3000, processIn: ${processIn} }\nstore: "${variant.store}"\n`,
  );
  const store = await openStore({ url: variant.store, dataDir: h.dataDir });
  await appendAll(store);
  return store;
}

/** Restarts the engine without the kill point and waits until every message is finished. */
async function restartAndFinish(h: Harness, store: MessageStore): Promise<void> {
  const again = await startEngineProcess(h.configDir, {});
  try {
    await eventually(() => allFinished(store), 60_000);
  } finally {
    again.kill('SIGTERM');
    await new Promise((r) => again.once('exit', r));
  }
}

// Both processing modes (decision 170), and the intent read back from PostgreSQL's events too.
for (const [processIn, kind] of [
  ['main', 'sqlite'],
  ['thread', 'sqlite'],
  ['main', 'postgres'],
] as const satisfies readonly (readonly [string, StoreKind])[])
  describe(`destinations/file: a kill between a file's name and its SENT${processIn === 'thread' ? ', processing on a thread' : ''}${kind === 'postgres' ? ', PostgreSQL store' : ''}`, () => {
    let h: Harness;
    let variant: { readonly processIn: string; readonly store: string };
    beforeEach(async function () {
      this.timeout(60_000);
      h = createHarness();
      const store = kind === 'postgres' ? await (await pgCluster()).freshDatabase() : 'sqlite';
      variant = { processIn, store };
    });
    afterEach(() => h.cleanup());

    it('batch-file: after the restart every message is in exactly one batch file, and SENT', async function () {
      this.timeout(120_000);
      const store = await setUp(
        h,
        variant,
        '{ name: out, type: file, folder: out, mode: batch-file }',
      );
      const folder = join(h.dataDir, 'out');
      try {
        expect(await runUntilItKillsItself(h.configDir, 'batch-file-named:1')).to.equal('SIGKILL');
        // The kill came in the window: one file named, none of its messages SENT yet.
        const first = readdirSync(folder).filter((n) => !n.startsWith('.'));
        expect(first, 'files at the kill').to.have.length(1);
        const inFirst = countInBatches(folder);
        expect(inFirst.size).to.be.greaterThan(0);
        for (const r of await store.list({ channel: 'crash', limit: N }))
          if (inFirst.has(r.controlId ?? ''))
            expect(r.status, r.controlId ?? '').to.not.equal('SENT');

        await restartAndFinish(h, store);

        const seen = countInBatches(folder);
        expect(seen.size, 'messages in batch files').to.equal(N);
        const twice = [...seen].filter(([, n]) => n !== 1).map(([id]) => id);
        expect(twice, 'written more than once').to.deep.equal([]);
        for (const r of await store.list({ channel: 'crash', limit: N })) {
          const m = await store.get(r.id);
          expect(m?.status, `message ${r.id}`).to.equal('SENT');
          const place = (m?.destinationResults['out'] as { output: Place }).output;
          const there = splitHl7Batch(readFileSync(place.file)).messages[place.index - 1];
          expect(CONTROL_ID.exec(there?.raw.toString('latin1') ?? '')?.[1]).to.equal(m?.controlId);
          // The first file's messages were answered from it after the restart, not written again.
          expect(place.recovered === true, `${m?.controlId ?? ''} recovered`).to.equal(
            inFirst.has(m?.controlId ?? ''),
          );
        }
      } finally {
        await store.close();
      }
    });

    it('one file per message: the message is written again under the same name, never a second file', async function () {
      this.timeout(120_000);
      const store = await setUp(h, variant, '{ name: out, type: file, folder: out }');
      const folder = join(h.dataDir, 'out');
      try {
        expect(await runUntilItKillsItself(h.configDir, 'file-named:1')).to.equal('SIGKILL');
        // Files named at the kill whose message is not SENT: each is written again after it.
        const before = new Map<string, number>();
        for (const r of await store.list({ channel: 'crash', limit: N })) {
          const name = `crash-${r.id}.json`;
          if (r.status !== 'SENT' && readdirSync(folder).includes(name))
            before.set(name, statSync(join(folder, name)).ino);
        }
        expect(before.size, 'named but not SENT at the kill').to.be.greaterThan(0);

        await restartAndFinish(h, store);

        const names = readdirSync(folder).filter((n) => !n.startsWith('.'));
        expect(names, 'one file a message').to.have.length(N);
        for (const r of await store.list({ channel: 'crash', limit: N })) {
          expect(r.status).to.equal('SENT');
          expect(names).to.include(`crash-${r.id}.json`);
        }
        // Replaced (a new inode under the same name): a reader that took the first copy in
        // between would see the message twice; one that did not sees it once.
        for (const [name, ino] of before)
          expect(statSync(join(folder, name)).ino, name).to.not.equal(ino);
      } finally {
        await store.close();
      }
    });
  });
