import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteMessageStore } from '../../src/store/sqlite/index.js';
import { msg } from './contract.js';

/** Checkpoints on a thread of their own (docs/decisions/190-append-cost.md). */
const dirs: string[] = [];
function freshFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ers-ckpt-'));
  dirs.push(dir);
  return join(dir, 'store.db');
}

async function until(what: string, done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function runChild(script: string, args: string[]): Promise<{ out: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      resolve({ out, code });
    });
  });
}

describe('SQLite checkpoints off the writer thread', () => {
  after(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('copies committed messages into the database file while the store stays open', async () => {
    const file = freshFile();
    const store = new SqliteMessageStore({ file, indexTextWhenIdle: false, checkpointFrames: 10 });
    try {
      const before = statSync(file).size;
      const body = 'x'.repeat(2000);
      // A few dozen pages: past the checkpointer's threshold here (10 frames) and far below the
      // writer's own auto-checkpoint, so only the checkpointer thread can move them from the WAL
      // into the database file while the store is open.
      for (let i = 0; i < 40; i++)
        await store.append(msg({ controlId: `c${i}`, raw: Buffer.from(body) }));
      await until(
        'the database file holds the messages',
        () => statSync(file).size > before + 40 * 2000,
      );
      const db = new Database(file, { readonly: true });
      try {
        const { n } = db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number };
        expect(n).to.equal(40);
      } finally {
        db.close();
      }
    } finally {
      await store.close();
    }
  });

  it('closes the store when nothing else keeps the process alive', async () => {
    const file = freshFile();
    const child = join(import.meta.dirname, 'support', 'append-then-close.ts');
    const { out, code } = await runChild(child, [file]);
    expect({ out, code }).to.deep.equal({ out: 'closed\n', code: 0 });
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('SELECT control_id FROM messages').pluck().all()).to.deep.equal([
        'close-1',
      ]);
    } finally {
      db.close();
    }
  });

  it('keeps every acknowledged append across a close and reopen while checkpoints run', async () => {
    const file = freshFile();
    const store = new SqliteMessageStore({ file });
    const ids = await Promise.all(
      Array.from({ length: 300 }, (_, i) => store.append(msg({ controlId: `k${i}` }))),
    );
    await store.close();
    const again = new SqliteMessageStore({ file });
    try {
      for (const { id } of [ids[0], ids[150], ids[299]].filter((r) => r !== undefined)) {
        expect(await again.get(id)).to.have.property('id', id);
      }
      expect((await again.countByStatus())['ch']?.RECEIVED).to.equal(300);
    } finally {
      await again.close();
    }
  });
});
