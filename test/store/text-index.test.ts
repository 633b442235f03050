import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteMessageStore } from '../../src/store/sqlite/index.js';
import { SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION } from '../../src/store/sqlite/migrations.js';
import { msg } from './contract.js';

/** The free-text index filled after commit (docs/decisions/175-free-text-after-commit.md). */
const dirs: string[] = [];
function freshFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ers-fts-'));
  dirs.push(dir);
  return join(dir, 'store.db');
}

/** What the index holds, read on a connection of its own. */
function indexState(file: string): { indexedTo: number; lastId: number; entries: number } {
  const db = new Database(file, { readonly: true });
  try {
    const { indexedTo } = db
      .prepare('SELECT indexed_to AS indexedTo FROM message_text_progress')
      .get() as { indexedTo: number };
    const { lastId } = db.prepare('SELECT COALESCE(MAX(id), 0) AS lastId FROM messages').get() as {
      lastId: number;
    };
    // Every row the index holds, read from its own doclist structure (contentless: no bodies).
    const { entries } = db
      .prepare(`SELECT COUNT(*) AS entries FROM message_text WHERE message_text MATCH 'msh'`)
      .get() as { entries: number };
    return { indexedTo, lastId, entries };
  } finally {
    db.close();
  }
}

/** The `detail` option the free-text table was made with, from its schema. */
function ftsDetail(file: string): string | undefined {
  const db = new Database(file, { readonly: true });
  try {
    const { sql } = db
      .prepare(`SELECT sql FROM sqlite_schema WHERE name = 'message_text'`)
      .get() as { sql: string };
    return /detail\s*=\s*(\w+)/.exec(sql)?.[1] ?? 'full';
  } finally {
    db.close();
  }
}

function runChild(script: string, args: string[]): Promise<{ out: string; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      resolve({ out, signal });
    });
  });
}

describe('SQLite free-text index after commit', () => {
  after(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('finds messages committed just before a crash, indexed once, after a restart', async () => {
    const file = freshFile();
    const child = join(import.meta.dirname, 'support', 'append-then-crash.ts');
    const { out, signal } = await runChild(child, [file, '20']);
    expect(signal).to.equal('SIGKILL');
    const ids = JSON.parse(out.trim()) as number[];
    expect(ids).to.have.length(20);
    // Committed, and not indexed: the crash came between the append and the index.
    const before = indexState(file);
    expect(before.lastId).to.equal(Math.max(...ids));
    expect(before.indexedTo).to.equal(0);
    expect(before.entries).to.equal(0);

    const store = new SqliteMessageStore({ file, indexTextWhenIdle: false });
    try {
      const found = await store.list({ text: 'crashword', limit: 100 });
      expect(found.map((m) => m.id).sort((a, b) => a - b)).to.deep.equal(
        [...ids].sort((a, b) => a - b),
      );
      expect((await store.list({ text: 'row7 crashword' })).map((m) => m.id)).to.deep.equal([
        ids[7],
      ]);
      // Asking again indexes nothing twice.
      await store.list({ text: 'crashword' });
    } finally {
      await store.close();
    }
    const after = indexState(file);
    expect(after.indexedTo).to.equal(after.lastId);
    expect(after.entries).to.equal(20);
  });

  it('indexes new rows when the writer is idle, without a query asking', async () => {
    const file = freshFile();
    const store = new SqliteMessageStore({ file });
    try {
      await store.appendMany(
        Array.from({ length: 600 }, (_, i) =>
          msg({ controlId: `idle-${i}`, raw: Buffer.from(`MSH|^~\\&|PAS|idle ${i}`) }),
        ),
      );
      const deadline = Date.now() + 30_000;
      let state = indexState(file);
      while (state.indexedTo < state.lastId && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        state = indexState(file);
      }
      expect(state).to.deep.equal({ indexedTo: 600, lastId: 600, entries: 600 });
    } finally {
      await store.close();
    }
  });

  it('does not index a body pruned before its turn, and passes over it', async () => {
    const file = freshFile();
    const store = new SqliteMessageStore({ file, indexTextWhenIdle: false });
    try {
      const old = await store.append(msg({ controlId: 'old', raw: Buffer.from('MSH|GONEWORD') }));
      await store.prune({ olderThan: Date.now() + 1000, now: Date.now(), includeUnresolved: true });
      const kept = await store.append(msg({ controlId: 'new', raw: Buffer.from('MSH|GONEWORD') }));
      expect((await store.list({ text: 'goneword' })).map((m) => m.id)).to.deep.equal([kept.id]);
      expect(old.id).to.be.lessThan(kept.id);
    } finally {
      await store.close();
    }
    expect(indexState(file)).to.deep.equal({ indexedTo: 2, lastId: 2, entries: 1 });
  });

  it('migrates a version 4 store: the index is made again without positions, each body indexed once', async () => {
    const file = freshFile();
    // A store as ers-bridge left it at schema 4, its trigger indexing each insert.
    const v4 = new Database(file);
    v4.pragma('journal_mode = WAL');
    // Migration 2 calls it; there are no rows yet.
    v4.function('ers_sha256_hex', (_raw: unknown) => null);
    v4.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
    );
    for (const m of SQLITE_MIGRATIONS.filter((m) => m.version <= 4)) {
      v4.exec(m.sql);
      v4.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)').run(
        m.version,
      );
    }
    const insert = v4.prepare(
      `INSERT INTO messages (channel, sender, control_id, content_type, raw, status, received_at,
         updated_at) VALUES ('ch', 'PAS', ?, 'application/hl7-v2', ?, 'SENT', 1, 1)`,
    );
    for (let i = 0; i < 3; i++) insert.run(`v4-${i}`, Buffer.from(`MSH|OLDWORD|${i}`));
    v4.close();

    const store = new SqliteMessageStore({ file, indexTextWhenIdle: false });
    try {
      expect(await store.schemaVersion()).to.equal(SQLITE_SCHEMA_VERSION);
      // Migration 6 (decision 190) drops what the trigger indexed and starts again from id 0.
      expect(indexState(file)).to.deep.equal({ indexedTo: 0, lastId: 3, entries: 0 });
      expect(ftsDetail(file)).to.equal('none');
      const added = await store.append(
        msg({ controlId: 'v5', raw: Buffer.from('MSH|OLDWORD|v5') }),
      );
      expect((await store.list({ text: 'oldword' })).map((m) => m.id)).to.deep.equal([
        added.id,
        3,
        2,
        1,
      ]);
    } finally {
      await store.close();
    }
    expect(indexState(file)).to.deep.equal({ indexedTo: 4, lastId: 4, entries: 4 });
  });
});
