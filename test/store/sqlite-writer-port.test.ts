/**
 * A processing thread's store handle writes through the engine's writer thread (decision 170):
 * the whole store contract holds for a store whose writes go through `attachWriter()`'s port,
 * and the engine's store closes (its writer thread exits) even while such a port is open.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteMessageStore } from '../../src/store/sqlite/index.js';
import { msg, storeContract, type StoreHarness } from './contract.js';
import { storeReliabilityContract } from './contract-reliability.js';

const dirs: string[] = [];
let n = 0;
/** The engine's stores behind the handles under test; each test's is closed at the next open. */
const owners: SqliteMessageStore[] = [];

function freshFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ers-store-port-'));
  dirs.push(dir);
  return join(dir, `store-${n++}.db`);
}

function attached(owner: SqliteMessageStore, file: string): SqliteMessageStore {
  const port = owner.attachWriter();
  if (port === undefined) throw new Error('the owner store writes inline');
  return new SqliteMessageStore({ file, writerPort: port, create: false });
}

const harness: StoreHarness = {
  async open() {
    for (const o of owners.splice(0)) await o.close();
    const file = freshFile();
    const owner = new SqliteMessageStore({ file });
    owners.push(owner);
    return {
      store: attached(owner, file),
      reopen: () => Promise.resolve(attached(owner, file)),
    };
  },
  async cleanup() {
    for (const o of owners.splice(0)) await o.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  },
};
storeContract('SQLite through an attached writer port', harness);
storeReliabilityContract('SQLite through an attached writer port', harness);

describe('SQLite writer port: the engine store and a processing thread store together', () => {
  after(() => harness.cleanup());

  it('sees each other’s commits, and the engine store still writes after the other closes', async () => {
    const file = freshFile();
    const engine = new SqliteMessageStore({ file });
    const processing = attached(engine, file);
    const a = await engine.append(msg({ controlId: 'A' }));
    const b = await processing.append(msg({ controlId: 'B' }));
    expect((await processing.get(a.id))?.controlId).to.equal('A');
    expect((await engine.get(b.id))?.controlId).to.equal('B');
    await processing.close();
    const c = await engine.append(msg({ controlId: 'C' }));
    expect((await engine.get(c.id))?.controlId).to.equal('C');
    await engine.close();
  });

  it('closes the engine store while a port is still attached (a processing thread that died)', async () => {
    const file = freshFile();
    const engine = new SqliteMessageStore({ file });
    const port = engine.attachWriter();
    expect(port).to.not.equal(undefined);
    await engine.append(msg({ controlId: 'A' }));
    // Resolves only once the writer thread has exited.
    await engine.close();
    port?.close();
  });
});
