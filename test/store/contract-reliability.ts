/**
 * The MessageStore contract, issue 16 part: dedup on content, reprocess refusals, attempt
 * history, health. Both implementations run it (test/store/sqlite.test.ts, postgres.test.ts).
 */
import { expect } from 'chai';
import type { MessageStore } from '../../src/core/store-types.js';
import { msg, type StoreHarness } from './contract.js';

export function storeReliabilityContract(name: string, harness: StoreHarness): void {
  describe(`MessageStore contract, lose nothing and duplicate nothing: ${name}`, () => {
    let store: MessageStore;
    beforeEach(async () => {
      ({ store } = await harness.open());
    });
    afterEach(async () => {
      await store.close();
    });

    it('stores a reused control id with other content as a new message with a CONTROL_ID_REUSED event', async () => {
      const first = await store.append(msg({ controlId: 'PAS0000124', raw: Buffer.from('book') }));
      const reused = await store.append(
        msg({ controlId: 'PAS0000124', raw: Buffer.from('cancel') }),
      );
      expect(reused.duplicateOf).to.equal(undefined);
      expect(reused.id).to.not.equal(first.id);
      expect(reused.controlIdReused).to.deep.equal({ firstId: first.id, refused: false });
      expect((await store.get(reused.id))?.raw?.toString()).to.equal('cancel');
      const events = await store.events(reused.id);
      expect(events.map((e) => e.detail['warning'])).to.include('CONTROL_ID_REUSED');
      // Both are processed: one claim gets both (no ordering key).
      const claimed = await store.claim({
        owner: 'w',
        channels: ['ch'],
        limit: 10,
        leaseMs: 60_000,
        now: Date.now(),
      });
      expect(claimed.map((m) => m.id)).to.deep.equal([first.id, reused.id]);
      // A resend of the second content is a duplicate of the second message.
      const resend = await store.append(
        msg({ controlId: 'PAS0000124', raw: Buffer.from('cancel') }),
      );
      expect(resend.duplicateOf?.id).to.equal(reused.id);
    });

    it('keeps a reused control id as ERROR CONTROL_ID_REUSED when the channel refuses reuse', async () => {
      const first = await store.append(msg({ controlId: 'R1', raw: Buffer.from('a') }));
      const refused = await store.append(
        msg({ controlId: 'R1', raw: Buffer.from('b'), onControlIdReuse: 'refuse' }),
      );
      expect(refused.controlIdReused).to.deep.equal({ firstId: first.id, refused: true });
      const stored = await store.get(refused.id);
      expect(stored?.status).to.equal('ERROR');
      expect(stored?.error).to.deep.include({ code: 'CONTROL_ID_REUSED' });
      expect(stored?.error?.context).to.deep.equal({ firstId: first.id });
      const claimed = await store.claim({
        owner: 'w',
        channels: ['ch'],
        limit: 10,
        leaseMs: 60_000,
        now: Date.now(),
      });
      expect(claimed.map((m) => m.id)).to.deep.equal([first.id]);
    });

    it('flags a reused control id inside one appendMany batch too', async () => {
      const results = await store.appendMany([
        msg({ controlId: 'B1', raw: Buffer.from('x') }),
        msg({ controlId: 'B1', raw: Buffer.from('y') }),
        msg({ controlId: 'B1', raw: Buffer.from('x') }),
      ]);
      expect(results[1]?.controlIdReused?.firstId).to.equal(results[0]?.id);
      expect(results[2]?.duplicateOf?.id).to.equal(results[0]?.id);
    });

    it('refuses to reprocess a leased message and leaves it as it is', async () => {
      const { id } = await store.append(msg());
      const now = Date.now();
      await store.claim({ owner: 'w', channels: ['ch'], limit: 1, leaseMs: 60_000, now });
      await store.transition(id, {
        to: 'TRANSFORMED',
        stage: 'transform',
        actor: 'w',
        keepLease: true,
        leaseOwner: 'w',
        patch: { inFlightDestination: 'ers' },
      });
      expect(await store.reprocess(id, { actor: 'user:ops', force: true })).to.deep.include({
        ok: false,
        reason: 'leased',
      });
      const m = await store.get(id);
      expect(m?.leaseOwner).to.equal('w');
      expect(m?.inFlightDestination).to.equal('ers');
    });

    it('refuses a message with a call in flight and no live lease unless forced', async () => {
      const { id } = await store.append(msg());
      await store.claim({ owner: 'w', channels: ['ch'], limit: 1, leaseMs: 1, now: 0 });
      await store.transition(id, {
        to: 'TRANSFORMED',
        stage: 'transform',
        actor: 'w',
        keepLease: true,
        patch: { inFlightDestination: 'ers' },
      });
      expect(await store.reprocess(id, { actor: 'user:ops' })).to.deep.include({
        ok: false,
        reason: 'in-flight',
      });
      expect(await store.reprocess(id, { actor: 'user:ops', force: true })).to.deep.include({
        ok: true,
      });
      expect((await store.get(id))?.inFlightDestination).to.equal(null);
    });

    it('keeps every attempt’s request and response as history, and prunes their bodies', async () => {
      const { id } = await store.append(msg());
      const record = (attempt: number, outcome: string, response: unknown) => ({
        attempt,
        destination: 'ers',
        outcome,
        request: { method: 'POST', path: '/ReferralRequest', n: attempt },
        response,
        error:
          outcome === 'SENT'
            ? null
            : { code: 'ERS_TIMEOUT', message: 't', retry: 'ambiguous' as const },
      });
      await store.transition(id, {
        to: 'NEEDS_REVIEW',
        stage: 'destination:ers',
        actor: 'w',
        patch: { attemptRecords: [record(1, 'NEEDS_REVIEW', null)] },
      });
      await store.reprocess(id, { actor: 'user:ops' });
      await store.transition(id, {
        to: 'SENT',
        stage: 'send',
        actor: 'w',
        patch: { attemptRecords: [record(1, 'SENT', { status: 201 })] },
      });
      const history = await store.attemptHistory(id);
      expect(history.map((h) => [h.outcome, h.request])).to.deep.equal([
        ['NEEDS_REVIEW', { method: 'POST', path: '/ReferralRequest', n: 1 }],
        ['SENT', { method: 'POST', path: '/ReferralRequest', n: 1 }],
      ]);
      expect(history[0]?.error?.code).to.equal('ERS_TIMEOUT');
      expect(history[1]?.response).to.deep.equal({ status: 201 });
      await store.prune({ olderThan: Date.now() + 1000, includeUnresolved: true, now: Date.now() });
      const pruned = await store.attemptHistory(id);
      expect(pruned.map((h) => [h.outcome, h.request, h.response])).to.deep.equal([
        ['NEEDS_REVIEW', null, null],
        ['SENT', null, null],
      ]);
    });

    it('reports itself healthy while writes commit', async () => {
      await store.append(msg());
      expect(await store.health()).to.deep.equal({ ok: true });
    });
  });
}
