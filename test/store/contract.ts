/**
 * The MessageStore contract: every implementation (SQLite, PostgreSQL) runs these same tests.
 * `open()` gives a fresh empty store; `reopen()` a second, independent handle on the same data.
 */
import { expect } from 'chai';
import type { MessageStore, NewMessage } from '../../src/core/store-types.js';

export interface StoreHarness {
  open: () => Promise<{ store: MessageStore; reopen: () => Promise<MessageStore> }>;
  cleanup(): Promise<void>;
}

export const msg = (over: Partial<NewMessage> = {}): NewMessage => ({
  channel: 'ch',
  sender: 'PAS^RX1',
  contentType: 'application/hl7-v2',
  raw: Buffer.from('MSH|^~\\&|PAS'),
  ...over,
});

export function storeContract(name: string, harness: StoreHarness): void {
  describe(`MessageStore contract: ${name}`, () => {
    let store: MessageStore;
    let reopen: () => Promise<MessageStore>;
    const others: MessageStore[] = [];

    beforeEach(async () => {
      ({ store, reopen } = await harness.open());
    });
    afterEach(async () => {
      for (const s of others.splice(0)) await s.close();
      await store.close();
    });
    after(async () => {
      await harness.cleanup();
    });

    it('makes an appended message readable from a new store handle once append returns', async () => {
      const { id } = await store.append(msg({ controlId: 'A1', raw: Buffer.from('hello') }));
      const other = await reopen();
      others.push(other);
      const read = await other.get(id);
      expect(read?.raw?.toString()).to.equal('hello');
      expect(read?.status).to.equal('RECEIVED');
    });

    it('answers a repeated (channel, sender, control id) with the same content with the first message', async () => {
      const first = await store.append(msg({ controlId: 'DUP' }));
      const again = await store.append(msg({ controlId: 'DUP' }));
      expect(again.duplicateOf?.id).to.equal(first.id);
      expect(again.controlIdReused).to.equal(undefined);
      const all = await store.list({ channel: 'ch' });
      expect(all).to.have.length(1);
    });

    it('treats the same control id from another sender as a new message', async () => {
      await store.append(msg({ controlId: 'X' }));
      const other = await store.append(msg({ controlId: 'X', sender: 'OTHER' }));
      expect(other.duplicateOf).to.equal(undefined);
    });

    it('commits concurrent appends and gives each caller its own id', async () => {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => store.append(msg({ controlId: `c${i}` }))),
      );
      expect(new Set(results.map((r) => r.id)).size).to.equal(50);
    });

    it('appends many in one call and dedups rows already stored', async () => {
      await store.appendMany([msg({ controlId: 'f:1' }), msg({ controlId: 'f:2' })]);
      const again = await store.appendMany([msg({ controlId: 'f:2' }), msg({ controlId: 'f:3' })]);
      expect(again[0]?.duplicateOf).to.not.equal(undefined);
      expect(again[1]?.duplicateOf).to.equal(undefined);
    });

    it('never claims a later message of a key while an earlier one is unfinished', async () => {
      const a = await store.append(msg({ controlId: '1', orderingKey: 'K' }));
      await store.append(msg({ controlId: '2', orderingKey: 'K' }));
      const c = await store.append(msg({ controlId: '3', orderingKey: 'L' }));
      const now = Date.now();
      const first = await store.claim({
        owner: 'w1',
        channels: ['ch'],
        limit: 10,
        leaseMs: 60_000,
        now,
      });
      expect(first.map((m) => m.id)).to.deep.equal([a.id, c.id]);
      await store.transition(a.id, { to: 'SENT', stage: 'test', actor: 'test', leaseOwner: 'w1' });
      const second = await store.claim({
        owner: 'w1',
        channels: ['ch'],
        limit: 10,
        leaseMs: 60_000,
        now,
      });
      expect(second.map((m) => m.controlId)).to.deep.equal(['2']);
    });

    it('orders a message by its new key once a transition changes its ordering key', async () => {
      const a = await store.append(msg({ controlId: '1', orderingKey: 'K' }));
      const b = await store.append(msg({ controlId: '2', orderingKey: 'K' }));
      const c = await store.append(msg({ controlId: '3', orderingKey: 'M' }));
      const claim = async (): Promise<number[]> =>
        (
          await store.claim({ owner: 'w', channels: ['ch'], limit: 10, leaseMs: 60_000, now: 1 })
        ).map((m) => m.id);
      expect(await claim()).to.deep.equal([a.id, c.id]);
      await store.transition(a.id, {
        to: 'TRANSFORMED',
        stage: 'test',
        actor: 'test',
        keepLease: true,
        patch: { orderingKey: 'M' },
      });
      expect((await store.get(a.id))?.orderingKey).to.equal('M');
      // No earlier K is unfinished now; `a` is ahead of `c` in M, which is leased already.
      expect(await claim()).to.deep.equal([b.id]);
    });

    it('keeps a later message waiting while an earlier one of its key is queued for retry', async () => {
      const a = await store.append(msg({ controlId: '1', orderingKey: 'K' }));
      await store.append(msg({ controlId: '2', orderingKey: 'K' }));
      const now = Date.now();
      await store.claim({ owner: 'w', channels: ['ch'], limit: 1, leaseMs: 60_000, now });
      await store.transition(a.id, {
        to: 'QUEUED',
        stage: 'test',
        actor: 'test',
        patch: { nextAttemptAt: now + 60_000, attempts: 1 },
      });
      const claimed = await store.claim({
        owner: 'w',
        channels: ['ch'],
        limit: 10,
        leaseMs: 60_000,
        now,
      });
      expect(claimed).to.have.length(0);
    });

    it('does not claim a leased message again until its lease expires', async () => {
      await store.append(msg({ controlId: '1' }));
      const now = Date.now();
      expect(
        await store.claim({ owner: 'a', channels: ['ch'], limit: 5, leaseMs: 1000, now }),
      ).to.have.length(1);
      expect(
        await store.claim({ owner: 'b', channels: ['ch'], limit: 5, leaseMs: 1000, now }),
      ).to.have.length(0);
      const later = await store.claim({
        owner: 'b',
        channels: ['ch'],
        limit: 5,
        leaseMs: 1000,
        now: now + 2000,
      });
      expect(later.map((m) => m.leaseOwner)).to.deep.equal(['b']);
    });

    it('refuses a transition by an owner that lost the lease', async () => {
      const { id } = await store.append(msg());
      await store.claim({ owner: 'a', channels: ['ch'], limit: 1, leaseMs: 1000, now: Date.now() });
      const ok = await store.transition(id, {
        to: 'SENT',
        stage: 't',
        actor: 't',
        leaseOwner: 'b',
      });
      expect(ok).to.equal(false);
      expect((await store.get(id))?.status).to.equal('RECEIVED');
    });

    it('records an event for every status change, in order', async () => {
      const { id } = await store.append(msg());
      await store.transition(id, {
        to: 'TRANSFORMED',
        stage: 'transform',
        actor: 'worker',
        keepLease: true,
      });
      await store.transition(id, { to: 'SENT', stage: 'send', actor: 'worker', detail: { ms: 3 } });
      const events = await store.events(id);
      expect(events.map((e) => e.status)).to.deep.equal(['RECEIVED', 'TRANSFORMED', 'SENT']);
      expect(events[2]?.detail).to.deep.equal({ ms: 3 });
    });

    it('stores patch fields and finds messages by a search key', async () => {
      const { id } = await store.append(msg({ searchKeys: { nhsNumberHash: 'h1' } }));
      await store.transition(id, {
        to: 'ERROR',
        stage: 'send',
        actor: 'w',
        patch: {
          searchKeys: { ubrn: '000000070000' },
          error: { code: 'ERS_REJECTED', message: 'no', retry: 'permanent' },
          mappedInput: { a: 1 },
        },
      });
      const byUbrn = await store.list({ searchKey: { name: 'ubrn', value: '000000070000' } });
      expect(byUbrn.map((m) => m.id)).to.deep.equal([id]);
      expect(byUbrn[0]?.errorCode).to.equal('ERS_REJECTED');
      const byHash = await store.list({ searchKey: { name: 'nhsNumberHash', value: 'h1' } });
      expect(byHash).to.have.length(1);
      expect((await store.get(id))?.mappedInput).to.deep.equal({ a: 1 });
    });

    it('pages newest first with keyset paging and filters by status', async () => {
      for (let i = 0; i < 5; i++) await store.append(msg({ controlId: `p${i}` }));
      const page1 = await store.list({ limit: 2 });
      const page2 = await store.list({ limit: 2, beforeId: page1[1]!.id });
      expect(page1[0]!.id).to.be.greaterThan(page1[1]!.id);
      expect(page2[0]!.id).to.be.lessThan(page1[1]!.id);
      expect(await store.list({ status: 'SENT' })).to.have.length(0);
      expect((await store.countByStatus())['ch']?.RECEIVED).to.equal(5);
    });

    it('reprocesses a failed message back to RECEIVED keeping successful destination results', async () => {
      const { id } = await store.append(msg());
      await store.transition(id, {
        to: 'DEAD',
        stage: 'send',
        actor: 'w',
        patch: { destinationResults: { ers: { output: { ubrn: '1' } } }, attempts: 5 },
      });
      expect(await store.reprocess(id, { actor: 'user:ops', note: 'PAS back up' })).to.deep.include(
        {
          ok: true,
        },
      );
      const m = await store.get(id);
      expect(m?.status).to.equal('RECEIVED');
      expect(m?.attempts).to.equal(0);
      expect(m?.destinationResults).to.deep.equal({ ers: { output: { ubrn: '1' } } });
      const last = (await store.events(id)).at(-1);
      expect(last?.actor).to.equal('user:ops');
    });

    it('releases a stopping worker’s leases so another can claim at once', async () => {
      await store.append(msg());
      const now = Date.now();
      await store.claim({ owner: 'a', channels: ['ch'], limit: 1, leaseMs: 60_000, now });
      expect(await store.releaseLeases('a')).to.equal(1);
      expect(
        await store.claim({ owner: 'b', channels: ['ch'], limit: 1, leaseMs: 60_000, now }),
      ).to.have.length(1);
    });

    it('prunes old bodies but never unresolved messages unless told to', async () => {
      const sent = await store.append(msg({ controlId: 's' }));
      const failed = await store.append(msg({ controlId: 'f' }));
      await store.transition(sent.id, { to: 'SENT', stage: 't', actor: 't' });
      await store.transition(failed.id, { to: 'ERROR', stage: 't', actor: 't' });
      const future = Date.now() + 1000;
      expect(await store.prune({ olderThan: future, now: future })).to.equal(1);
      expect((await store.get(sent.id))?.raw).to.equal(null);
      expect((await store.get(failed.id))?.raw?.length).to.be.greaterThan(0);
      expect(
        await store.prune({ olderThan: future, now: future, includeUnresolved: true }),
      ).to.equal(1);
      expect((await store.get(failed.id))?.status).to.equal('ERROR');
    });

    it('keeps the audit logs append-only and lists them by time', async () => {
      await store.appendAudit({
        at: 10,
        actor: 'user:a',
        action: 'message.view',
        target: '1',
        detail: {},
      });
      await store.appendErsAudit({ at: 20, endpoint: 'A021', detail: { ubrn: '1' } });
      expect((await store.listAudit({}))[0]?.action).to.equal('message.view');
      expect((await store.listErsAudit({ from: 15 }))[0]?.endpoint).to.equal('A021');
    });

    it('commits the e-RS audit rows a transition carries with it, also when the lease was lost', async () => {
      const kept = await store.append(msg({ controlId: 'ers-1' }));
      const lost = await store.append(msg({ controlId: 'ers-2' }));
      const now = Date.now();
      await store.claim({ owner: 'w1', channels: ['ch'], limit: 2, leaseMs: 60_000, now });
      const row = (at: number, ubrn: string) => ({ at, endpoint: 'A021', detail: { ubrn } });
      expect(
        await store.transition(kept.id, {
          to: 'SENT',
          stage: 'send',
          actor: 'w1',
          leaseOwner: 'w1',
          ersAudit: [row(now, '1'), row(now + 1, '2')],
        }),
      ).to.equal(true);
      // Another owner's write is refused, but the calls it made happened: their rows stay.
      expect(
        await store.transition(lost.id, {
          to: 'SENT',
          stage: 'send',
          actor: 'w2',
          leaseOwner: 'w2',
          ersAudit: [row(now + 2, '3')],
        }),
      ).to.equal(false);
      const rows = await store.listErsAudit({});
      expect(rows.map((r) => [r.at - now, r.endpoint, r.detail['ubrn']])).to.deep.equal([
        [0, 'A021', '1'],
        [1, 'A021', '2'],
        [2, 'A021', '3'],
      ]);
      expect((await store.get(kept.id))?.status).to.equal('SENT');
      expect((await store.get(lost.id))?.status).to.equal('RECEIVED');
    });

    it('claims only from the channels asked for, from one or several', async () => {
      await store.append(msg({ channel: 'a', controlId: '1' }));
      await store.append(msg({ channel: 'b', controlId: '2' }));
      await store.append(msg({ channel: 'c', controlId: '3' }));
      const now = Date.now();
      const one = await store.claim({ owner: 'w', channels: ['b'], limit: 5, leaseMs: 1000, now });
      expect(one.map((m) => m.channel)).to.deep.equal(['b']);
      const two = await store.claim({
        owner: 'w',
        channels: ['a', 'c'],
        limit: 5,
        leaseMs: 1000,
        now,
      });
      expect(two.map((m) => m.channel)).to.deep.equal(['a', 'c']);
    });

    it('never holds back a message without an ordering key', async () => {
      await store.append(msg({ controlId: '1', orderingKey: 'K' }));
      await store.append(msg({ controlId: '2', orderingKey: 'K' }));
      await store.append(msg({ controlId: '3' }));
      const claimed = await store.claim({
        owner: 'w',
        channels: ['ch'],
        limit: 5,
        leaseMs: 1000,
        now: Date.now(),
      });
      expect(claimed.map((m) => m.controlId)).to.deep.equal(['1', '3']);
    });

    it('reprocesses a sent message only when forced, from scratch, forgetting its destination results', async () => {
      const { id } = await store.append(msg());
      await store.transition(id, {
        to: 'SENT',
        stage: 'send',
        actor: 'w',
        patch: { destinationResults: { out: { output: {} } } },
      });
      expect(await store.reprocess(id, { actor: 'user:ops' })).to.deep.equal({
        ok: false,
        reason: 'effect-succeeded',
        resend: ['out'],
        status: 'SENT',
      });
      expect((await store.get(id))?.status).to.equal('SENT');
      expect(await store.reprocess(id, { actor: 'user:ops', force: true })).to.deep.equal({
        ok: true,
        from: 'SENT',
        resend: ['out'],
      });
      expect((await store.get(id))?.destinationResults).to.deep.equal({});
      expect((await store.events(id)).at(-1)?.detail).to.deep.include({
        from: 'SENT',
        fresh: true,
      });
      expect(await store.reprocess(id + 1000, { actor: 'user:ops' })).to.deep.equal({
        ok: false,
        reason: 'not-found',
      });
    });

    it('lists the audit newest first and the e-RS audit oldest first within the time range', async () => {
      for (const at of [10, 20, 30]) {
        await store.appendAudit({ at, actor: 'u', action: `a${at}`, target: null, detail: {} });
        await store.appendErsAudit({ at, endpoint: `E${at}`, detail: {} });
      }
      expect((await store.listAudit({ limit: 2 })).map((a) => a.action)).to.deep.equal([
        'a30',
        'a20',
      ]);
      const ers = await store.listErsAudit({ from: 10, to: 30 });
      expect(ers.map((e) => [e.endpoint, e.at])).to.deep.equal([
        ['E10', 10],
        ['E20', 20],
      ]);
    });

    it('reports its schema version and runs a cluster-once job no other instance holds', async () => {
      expect(await store.schemaVersion()).to.be.greaterThan(0);
      // Optional: a store only one process opens (SQLite) has nothing to exclude.
      if (store.runExclusive === undefined) return;
      let ran = 0;
      const job = (): Promise<void> => {
        ran++;
        return Promise.resolve();
      };
      expect(await store.runExclusive('job', job)).to.equal(true);
      expect(ran).to.equal(1);
    });

    it('keeps each mapping version once, readable by hash and listed newest first', async () => {
      const version = (hash: string, at: number) => ({
        hash,
        mappingId: 'ref-i12-a021',
        file: 'mappings/ref-i12-a021.yaml',
        text: `id: ref-i12-a021 # ${hash}\n`,
        tables: { priority: 'entries: {}\n' },
        firstSeenAt: at,
      });
      expect(await store.recordMappingVersion(version('h1', 1000))).to.equal(true);
      expect(await store.recordMappingVersion(version('h2', 2000))).to.equal(true);
      expect(await store.recordMappingVersion(version('h1', 3000))).to.equal(false);
      await store.recordMappingVersion({ ...version('h3', 1500), mappingId: 'other' });
      const other = await reopen();
      others.push(other);
      expect((await other.mappingVersions('ref-i12-a021')).map((v) => v.hash)).to.deep.equal([
        'h2',
        'h1',
      ]);
      expect(await other.mappingVersion('h1')).to.deep.equal(version('h1', 1000));
      expect(await other.mappingVersion('nope')).to.equal(undefined);
    });

    it('stores, replaces and deletes checkpoints', async () => {
      await store.setCheckpoint('k', { done: 1 });
      await store.setCheckpoint('k', { done: 2 });
      expect(await store.getCheckpoint('k')).to.deep.equal({ done: 2 });
      await store.deleteCheckpoint('k');
      expect(await store.getCheckpoint('k')).to.equal(undefined);
    });
  });
}
