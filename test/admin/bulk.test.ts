import { expect } from 'chai';
import { startAdminHarness, PASSWORD, type AdminHarness } from './support/admin-harness.js';
import { Client } from './support/http-client.js';
import { ALPHA_CHANNEL, SAMPLE_HL7, seedMessage } from './support/fixtures.js';

interface Summary {
  action: string;
  done: number[];
  skipped: { id: number; reason: string }[];
}

describe('admin: bulk actions on picked messages, confirmations and edit-and-resend (API and forms)', function () {
  this.timeout(60_000);
  let h: AdminHarness;
  let api: Client;
  before(async () => {
    h = await startAdminHarness({ channels: { 'alpha.yaml': ALPHA_CHANNEL } });
    api = new Client(h.url, h.tokens.operator);
  });
  after(async () => {
    await h.close();
  });

  /** A message another worker holds the lease of (being processed now). */
  async function leased(): Promise<number> {
    const { id } = await h.store.append({
      channel: 'held',
      sender: 'PAS',
      contentType: 'application/hl7-v2',
      raw: Buffer.from(SAMPLE_HL7),
    });
    await h.store.claim({
      owner: 'other-worker',
      channels: ['held'],
      limit: 1,
      leaseMs: 60_000,
      now: Date.now(),
    });
    return id;
  }

  /** SENT with an e-RS effect: sending again would create another referral. */
  async function sentWithEffect(): Promise<number> {
    const id = await seedMessage(h.store, { status: 'ERROR' });
    await h.store.transition(id, {
      to: 'SENT',
      stage: 'test',
      actor: 'engine',
      patch: { destinationResults: { ers: { output: { ubrn: '000000070123' } } }, error: null },
    });
    return id;
  }

  /** Its engine stopped mid-call: a destination call may be out. */
  async function inFlight(): Promise<number> {
    const id = await seedMessage(h.store, { status: 'ERROR' });
    await h.store.transition(id, {
      to: 'QUEUED',
      stage: 'test',
      actor: 'engine',
      patch: { inFlightDestination: 'ers', nextAttemptAt: Date.now() + 3_600_000 },
    });
    return id;
  }

  it('reprocesses the picked messages it may and says why it left the others (leased, in flight, SENT)', async () => {
    const [error, held, flying, sent] = [
      await seedMessage(h.store, { status: 'ERROR' }),
      await leased(),
      await inFlight(),
      await sentWithEffect(),
    ];
    const reply = await api.post('/api/messages/bulk', {
      action: 'reprocess',
      ids: [error, held, flying, sent],
      note: 'mapping fixed',
    });
    expect(reply.status, reply.text).to.equal(200);
    expect(reply.json<Summary>()).to.deep.equal({
      action: 'reprocess',
      done: [error],
      skipped: [
        { id: held, reason: 'leased' },
        { id: flying, reason: 'in-flight' },
        { id: sent, reason: 'effect-succeeded' },
      ],
    });
    expect((await h.store.get(error))?.status).to.equal('RECEIVED');
    expect((await h.store.get(sent))?.status).to.equal('SENT');
    const rows = await h.store.listAudit({});
    expect(rows.find((a) => a.action === 'message.reprocess')?.target).to.equal(`message:${error}`);
  });

  it('with force sends a SENT message again, but still never a leased one or one with a call in flight', async () => {
    const [held, flying, sent] = [await leased(), await inFlight(), await sentWithEffect()];
    const reply = await api.post('/api/messages/bulk', {
      action: 'reprocess',
      ids: [held, flying, sent],
      force: true,
    });
    expect(reply.json<Summary>()).to.deep.include({ done: [sent] });
    expect(reply.json<Summary>().skipped.map((s) => s.reason)).to.deep.equal([
      'leased',
      'in-flight',
    ]);
    expect((await h.store.get(flying))?.status).to.equal('QUEUED');
  });

  it('resolves only NEEDS_REVIEW messages, and only with a note', async () => {
    const review = await seedMessage(h.store, { status: 'NEEDS_REVIEW' });
    const error = await seedMessage(h.store, { status: 'ERROR' });
    const noNote = await api.post('/api/messages/bulk', { action: 'resolve', ids: [review] });
    expect(noNote.status).to.equal(400);
    const reply = await api.post('/api/messages/bulk', {
      action: 'resolve',
      ids: [review, error],
      note: 'seen in e-RS',
    });
    expect(reply.json<Summary>()).to.deep.equal({
      action: 'resolve',
      done: [review],
      skipped: [{ id: error, reason: 'not-needs-review' }],
    });
  });

  it('refuses an empty pick, a made-up action and more than 200 ids', async () => {
    expect(
      (await api.post('/api/messages/bulk', { action: 'reprocess', ids: [] })).status,
    ).to.equal(400);
    expect((await api.post('/api/messages/bulk', { action: 'delete', ids: [1] })).status).to.equal(
      400,
    );
    const many = Array.from({ length: 201 }, (_, i) => i + 1);
    expect(
      (await api.post('/api/messages/bulk', { action: 'reprocess', ids: many })).status,
    ).to.equal(400);
  });

  it('answers a Stop or bulk form posted without confirmation with a confirmation page, changing nothing', async () => {
    const browser = new Client(h.url);
    await browser.login('operator', PASSWORD);
    const stop = await browser.request('POST', '/channels/alpha/stop', {
      form: { _csrf: browser.csrf ?? '' },
      headers: { accept: 'text/html' },
    });
    expect(stop.status).to.equal(200);
    expect(stop.text).to.include('Stop channel alpha?').and.include('name="confirmed" value="yes"');
    expect(h.engine.channels().find((c) => c.id === 'alpha')?.state).to.equal('STARTED');
    const error = await seedMessage(h.store, { status: 'ERROR' });
    const bulk = await browser.request('POST', '/messages/bulk', {
      form: { _csrf: browser.csrf ?? '', action: 'reprocess', id: String(error) },
      headers: { accept: 'text/html' },
    });
    expect(bulk.text).to.include('Reprocess 1 message(s)?');
    expect((await h.store.get(error))?.status).to.equal('ERROR');
  });

  it('shows a channel stopped on the very next live poll, though the cards computation is shared for 1.5 s', async () => {
    // The operator's card holds the one control its state allows: Stop or Start.
    const cardOf = async (): Promise<string> =>
      (await api.request('GET', '/live/channels', { headers: { accept: 'text/html' } })).text;
    expect(await cardOf()).to.include('/channels/alpha/stop');
    expect((await api.post('/api/channels/alpha/stop')).status).to.equal(200);
    try {
      expect(await cardOf()).to.include('/channels/alpha/start');
    } finally {
      expect((await api.post('/api/channels/alpha/start')).status).to.equal(200);
    }
  });

  it('resends an edited copy linked to the original, refusing a SENT original unless allowed', async () => {
    const original = await seedMessage(h.store, { status: 'ERROR' });
    const edited = SAMPLE_HL7.replace('DOE^JANE', 'DOE^JANET').replace(/\r/g, '\n');
    const reply = await api.post(`/api/messages/${original}/resend`, { body: edited });
    const { newId } = reply.json<{ newId: number }>();
    const copy = await h.store.get(newId);
    expect(copy?.raw?.toString()).to.equal(SAMPLE_HL7.replace('DOE^JANE', 'DOE^JANET'));
    expect(copy?.sourceMeta).to.deep.include({ resentFrom: original, editedBy: 'user:operator' });
    expect(copy?.controlId).to.equal(null);
    expect((await h.store.get(original))?.raw?.toString()).to.equal(SAMPLE_HL7);
    const sent = await sentWithEffect();
    const refused = await api.post(`/api/messages/${sent}/resend`, { body: SAMPLE_HL7 });
    expect(refused.status).to.equal(400);
    const allowed = await api.post(`/api/messages/${sent}/resend`, {
      body: SAMPLE_HL7,
      allowSent: true,
    });
    expect(allowed.status).to.equal(200);
  });
});
