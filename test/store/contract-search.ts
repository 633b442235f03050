/**
 * The search part of the MessageStore contract (issue 19), run against SQLite and PostgreSQL:
 * each search kind, UBRNs learned after arrival, saved filters.
 */
import { expect } from 'chai';
import { hashSearchValue } from '../../src/store/search-keys.js';
import type { MessageFilter, MessageStore } from '../../src/core/store-types.js';
import { msg, type StoreHarness } from './contract.js';

export function storeSearchContract(name: string, harness: StoreHarness): void {
  describe(`MessageStore search contract: ${name}`, () => {
    let store: MessageStore;

    beforeEach(async () => {
      ({ store } = await harness.open());
    });
    afterEach(async () => {
      await store.close();
    });
    after(async () => {
      await harness.cleanup();
    });

    const ids = async (filter: MessageFilter): Promise<number[]> =>
      (await store.list(filter)).map((m) => m.id);

    /** Claims the message and moves it on with the patch, as the engine does. */
    async function settle(
      id: number,
      patch: Parameters<MessageStore['transition']>[1]['patch'],
    ): Promise<void> {
      await store.claim({ owner: 'w', channels: ['ch'], limit: 10, leaseMs: 60_000, now: 0 });
      const ok = await store.transition(id, {
        to: 'SENT',
        stage: 'send',
        actor: 'w',
        leaseOwner: 'w',
        ...(patch ? { patch } : {}),
      });
      expect(ok).to.equal(true);
    }

    it('finds a message by a UBRN it created: the destination result, not the body', async () => {
      const created = await store.append(msg({ controlId: 'NEW' }));
      const other = await store.append(msg({ controlId: 'OTHER' }));
      expect(await ids({ searchKey: { name: 'ubrn', value: '000000090000' } })).to.deep.equal([]);
      await settle(created.id, {
        destinationResults: {
          ers: {
            request: { method: 'POST', path: '/ReferralRequest/$ers.createReferral', body: {} },
            output: { ubrn: '000000090000', version: '2' },
          },
        },
      });
      expect(await ids({ searchKey: { name: 'ubrn', value: '000000090000' } })).to.deep.equal([
        created.id,
      ]);
      expect(await ids({ searchKey: { name: 'ubrn', value: '000000090000' } })).not.to.include(
        other.id,
      );
    });

    it('finds a message by the UBRN in the path it called, its mapped input, or a failed request', async () => {
      const read = await store.append(msg({ controlId: 'A007' }));
      const mapped = await store.append(msg({ controlId: 'MAPPED' }));
      const failed = await store.append(msg({ controlId: 'FAILED' }));
      await settle(read.id, {
        destinationResults: {
          ers: {
            request: { method: 'POST', path: '/ReferralRequest/000000070001/$ers.generateCRI' },
          },
        },
      });
      await settle(mapped.id, {
        mappedInput: { operation: 'A005', input: { ubrn: '000000070002' } },
      });
      await settle(failed.id, {
        outboundRequest: { method: 'GET', path: '/ReferralRequest/000000070003' },
      });
      const by = (ubrn: string) => ids({ searchKey: { name: 'ubrn', value: ubrn } });
      expect(await by('000000070001')).to.deep.equal([read.id]);
      expect(await by('000000070002')).to.deep.equal([mapped.id]);
      expect(await by('000000070003')).to.deep.equal([failed.id]);
    });

    it('keeps the source UBRN and adds a learned one: both find the message', async () => {
      const { id } = await store.append(
        msg({ controlId: 'BOTH', searchKeys: { ubrn: '000000080001' } }),
      );
      await settle(id, {
        destinationResults: { ers: { output: { ubrn: '000000080002' } } },
      });
      expect(await ids({ searchKey: { name: 'ubrn', value: '000000080001' } })).to.deep.equal([id]);
      expect(await ids({ searchKey: { name: 'ubrn', value: '000000080002' } })).to.deep.equal([id]);
      expect((await store.get(id))?.searchKeys).to.deep.equal({ ubrn: '000000080001' });
    });

    it('finds messages by NHS number hash whichever source stored them', async () => {
      const nhs = hashSearchValue('9912003888');
      const hl7 = await store.append(msg({ controlId: 'H', searchKeys: { nhsNumberHash: nhs } }));
      const [csv] = await store.appendMany([
        msg({
          controlId: 'f:1',
          messageType: 'csv-row',
          sourceMeta: { file: 'a.csv', row: 1 },
          searchKeys: { nhsNumberHash: nhs },
        }),
      ]);
      await store.append(msg({ controlId: 'X', searchKeys: { nhsNumberHash: 'other' } }));
      expect(await ids({ searchKey: { name: 'nhsNumberHash', value: nhs } })).to.deep.equal([
        csv?.id,
        hl7.id,
      ]);
    });

    it('matches the message type whatever its case', async () => {
      const a = await store.append(msg({ controlId: '1', messageType: 'REF^I12' }));
      await store.append(msg({ controlId: '2', messageType: 'MDM^T02' }));
      const b = await store.append(msg({ controlId: '3', messageType: 'ref^i12' }));
      expect(await ids({ messageType: 'Ref^I12' })).to.deep.equal([b.id, a.id]);
    });

    it('finds the records of a dropped file by name, and one by its row', async () => {
      const rows = await store.appendMany(
        [1, 2, 3].map((row) =>
          msg({ controlId: `h:${row}`, sourceMeta: { file: 'ref.csv', sha256: 'h', row } }),
        ),
      );
      await store.append(msg({ controlId: 'b', sourceMeta: { file: 'b.hl7', message: 2 } }));
      await store.append(msg({ controlId: 'm', sourceMeta: { remote: '10.0.0.1' } }));
      expect(await ids({ file: 'ref.csv' })).to.deep.equal(rows.map((r) => r.id).reverse());
      expect(await ids({ file: 'ref.csv', fileRow: 2 })).to.deep.equal([rows[1]?.id]);
      expect(await ids({ file: 'b.hl7', fileRow: 2 })).to.have.length(1);
      expect(await ids({ file: 'ref' })).to.deep.equal([]);
    });

    it('finds messages received in a time range (since inclusive, until exclusive)', async () => {
      const at: number[] = [];
      for (let i = 0; i < 3; i++) {
        at.push((await store.append(msg({ controlId: `t${i}` }))).id);
        await new Promise((r) => setTimeout(r, 15));
      }
      const times = await Promise.all(at.map(async (id) => (await store.get(id))?.receivedAt ?? 0));
      expect(
        await ids({ receivedFrom: times[1] ?? 0, receivedTo: (times[2] ?? 0) - 0 }),
      ).to.deep.equal([at[1]]);
      expect(await ids({ receivedFrom: times[1] ?? 0 })).to.deep.equal([at[2], at[1]]);
    });

    it('finds bodies by free text: every word, whole words, any case, newest first', async () => {
      const smith = await store.append(
        msg({ controlId: 's', raw: Buffer.from('MSH|^~\\&|PAS\rPID|1||991^^^NHS^NH||SMITH^John') }),
      );
      const jones = await store.append(
        msg({ controlId: 'j', raw: Buffer.from('MSH|^~\\&|PAS\rPID|1||992||JONES^John') }),
      );
      const csv = await store.append(
        msg({ controlId: 'c', channel: 'csv', raw: Buffer.from('9912003888,R,SVC-00123,Smith') }),
      );
      expect(await ids({ text: 'smith' })).to.deep.equal([csv.id, smith.id]);
      expect(await ids({ text: 'John SMITH' })).to.deep.equal([smith.id]);
      expect(await ids({ text: 'john' })).to.deep.equal([jones.id, smith.id]);
      expect(await ids({ text: 'smi' })).to.deep.equal([]);
      expect(await ids({ text: 'svc-00123' })).to.deep.equal([csv.id]);
      expect(await ids({ text: 'smith', channel: 'ch' })).to.deep.equal([smith.id]);
      expect(await ids({ text: 'john', limit: 1 })).to.deep.equal([jones.id]);
      expect(await ids({ text: 'john', beforeId: jones.id })).to.deep.equal([smith.id]);
      expect(await ids({ text: '|||' })).to.deep.equal([]);
    });

    it('no longer finds a body by its text once retention pruned it', async () => {
      const { id } = await store.append(msg({ controlId: 'p', raw: Buffer.from('PRUNEME') }));
      expect(await ids({ text: 'pruneme' })).to.deep.equal([id]);
      await settle(id, {});
      await store.prune({ olderThan: Date.now() + 1000, now: Date.now() });
      expect(await ids({ text: 'pruneme' })).to.deep.equal([]);
    });

    it('finds words with letters outside ASCII', async () => {
      const { id } = await store.append(
        msg({ controlId: 'zoe', raw: Buffer.from('PID|1||x||BRONTË^Zoë') }),
      );
      await store.append(msg({ controlId: 'zo', raw: Buffer.from('PID|1||x||BRONT^Zo') }));
      expect(await ids({ text: 'zoë brontë' })).to.deep.equal([id]);
    });

    it('indexes bodies that are not UTF-8 text without refusing them', async () => {
      const { id } = await store.append(
        msg({ controlId: 'bin', raw: Buffer.from([0x00, 0xff, 0x41, 0x42, 0x20, 0xe9, 0x43]) }),
      );
      expect(await store.get(id)).to.not.equal(undefined);
    });

    it('saves, replaces, lists and deletes named filters', async () => {
      await store.saveFilter({
        name: 'errors',
        query: { status: 'ERROR,DEAD' },
        savedBy: 'user:ann',
        savedAt: 1,
      });
      await store.saveFilter({
        name: 'csv',
        query: { file: 'a.csv' },
        savedBy: 'cli:bob',
        savedAt: 2,
      });
      await store.saveFilter({
        name: 'errors',
        query: { status: 'ERROR', channel: 'pas' },
        savedBy: 'user:cy',
        savedAt: 3,
      });
      expect(await store.listFilters()).to.deep.equal([
        { name: 'csv', query: { file: 'a.csv' }, savedBy: 'cli:bob', savedAt: 2 },
        {
          name: 'errors',
          query: { status: 'ERROR', channel: 'pas' },
          savedBy: 'user:cy',
          savedAt: 3,
        },
      ]);
      expect(await store.deleteFilter('csv')).to.equal(true);
      expect(await store.deleteFilter('csv')).to.equal(false);
      expect((await store.listFilters()).map((f) => f.name)).to.deep.equal(['errors']);
    });
  });
}
