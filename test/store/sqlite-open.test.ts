import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, unsynced } from '../../src/store/sqlite/open.js';

describe('SQLite unsynced transactions (leases, free-text chunks)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ers-open-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs with synchronous NORMAL and leaves the connection at FULL, every time', () => {
    const db = openDatabase(join(dir, 'store.db'));
    try {
      const mode = (): unknown => db.pragma('synchronous', { simple: true });
      // Several rounds: a PRAGMA prepared once takes effect when compiled, not when run again
      // (decision 190), so only repeated use shows a switch that stopped switching.
      for (let round = 0; round < 3; round++) {
        expect(unsynced(db, mode)).to.equal(1);
        expect(mode()).to.equal(2);
      }
    } finally {
      db.close();
    }
  });
});
