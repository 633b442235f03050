import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { startAdminHarness, PASSWORD, type AdminHarness } from './support/admin-harness.js';
import { Client } from './support/http-client.js';
import { seedMessage, SAMPLE_HL7 } from './support/fixtures.js';

interface Page {
  messages: { id: number; status: string }[];
  nextBefore: number | null;
}

describe('admin API: messages', function () {
  this.timeout(30_000);
  let h: AdminHarness;
  let api: Client;
  before(async () => {
    h = await startAdminHarness();
    api = new Client(h.url, h.tokens.operator);
  });
  after(async () => {
    await h.close();
  });

  it('finds a message by UBRN', async () => {
    const id = await seedMessage(h.store, { status: 'ERROR', ubrn: '000000070001' });
    await seedMessage(h.store, { status: 'ERROR', ubrn: '000000070002' });
    const page = (await api.get('/api/messages?ubrn=0000%200007%200001')).json<Page>();
    expect(page.messages.map((m) => m.id)).to.deep.equal([id]);
  });

  it('finds a message by NHS number through its hash, spaces allowed', async () => {
    const hash = createHash('sha256').update('9434765919').digest('hex');
    const { id } = await h.store.append({
      channel: 'c',
      sender: 's',
      contentType: 'text/plain',
      raw: Buffer.from('x'),
      searchKeys: { nhsNumberHash: hash },
    });
    const page = (await api.get('/api/messages?nhsNumber=943%20476%205919')).json<Page>();
    expect(page.messages.map((m) => m.id)).to.deep.equal([id]);
  });

  it('never writes the searched NHS number to the audit log', async () => {
    await api.post('/api/messages/reprocess', { nhsNumber: '9434765919' });
    const entries = JSON.stringify(await h.store.listAudit({}));
    expect(entries).not.to.include('9434765919');
    expect(entries).to.include('(hashed)');
  });

  it('explains a malformed NHS number in plain words', async () => {
    const reply = await api.get('/api/messages?nhsNumber=12345');
    expect(reply.status).to.equal(400);
    expect(reply.json<{ error: { message: string; at: string } }>().error).to.deep.include({
      at: 'nhsNumber',
      message: 'An NHS number has 10 digits.',
    });
  });

  it('pages newest first with a keyset cursor, without gaps or repeats', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(await seedMessage(h.store, { status: 'SENT', channel: 'paged' }));
    const first = (await api.get('/api/messages?channel=paged&limit=2')).json<Page>();
    const second = (
      await api.get(`/api/messages?channel=paged&limit=2&before=${first.nextBefore ?? 0}`)
    ).json<Page>();
    const third = (
      await api.get(`/api/messages?channel=paged&limit=2&before=${second.nextBefore ?? 0}`)
    ).json<Page>();
    const seen = [...first.messages, ...second.messages, ...third.messages].map((m) => m.id);
    expect(seen).to.deep.equal([...ids].reverse());
    expect(third.nextBefore).to.equal(null);
  });

  it('shows a message with its HL7 fields named, events and error', async () => {
    const id = await seedMessage(h.store, { status: 'ERROR' });
    const detail = (await api.get(`/api/messages/${id}`)).json<{
      message: { raw: string; error: { code: string } };
      hl7: { name: string; fields: { position: string; name: string }[] }[];
      events: { status: string }[];
    }>();
    expect(detail.message.raw).to.equal(SAMPLE_HL7);
    expect(detail.message.error.code).to.equal('ERS_REJECTED');
    expect(detail.hl7.map((s) => s.name)).to.deep.equal(['MSH', 'PID', 'RF1']);
    expect(detail.hl7[0]?.fields[9]).to.deep.include({
      position: 'MSH-10',
      name: 'Message control ID',
    });
    expect(detail.events.map((e) => e.status)).to.deep.equal(['RECEIVED', 'ERROR']);
  });

  it('reprocesses every message matching a filter and records the operator', async () => {
    const a = await seedMessage(h.store, { status: 'ERROR', channel: 'bulk' });
    const b = await seedMessage(h.store, { status: 'ERROR', channel: 'bulk' });
    const reply = (
      await api.post('/api/messages/reprocess', {
        channel: 'bulk',
        status: 'ERROR',
        note: 'mapping fixed',
      })
    ).json<{ ids: number[] }>();
    expect(reply.ids.sort()).to.deep.equal([a, b].sort());
    const events = await h.store.events(a);
    expect(events.at(-1)).to.deep.include({ status: 'RECEIVED', actor: 'user:operator' });
  });

  it('refuses to reprocess without any filter', async () => {
    expect((await api.post('/api/messages/reprocess', {})).status).to.equal(400);
  });

  it('resolves a NEEDS_REVIEW message with a note, and refuses one in another status', async () => {
    const review = await seedMessage(h.store, { status: 'NEEDS_REVIEW' });
    expect(
      (await api.post(`/api/messages/${review}/resolve`, { note: 'referral found in e-RS' }))
        .status,
    ).to.equal(200);
    expect((await h.store.get(review))?.status).to.equal('SENT');
    const events = await h.store.events(review);
    expect(events.at(-1)?.detail).to.deep.include({ note: 'referral found in e-RS' });
    const sent = await seedMessage(h.store, { status: 'SENT' });
    expect((await api.post(`/api/messages/${sent}/resolve`, { note: 'x' })).status).to.equal(400);
  });

  it('serves its OpenAPI document listing every API path', async () => {
    const viewer = new Client(h.url);
    await viewer.login('viewer', PASSWORD);
    const doc = (await viewer.get('/api/openapi.json')).json<{
      openapi: string;
      paths: Record<string, unknown>;
    }>();
    expect(doc.openapi).to.equal('3.1.0');
    expect(Object.keys(doc.paths)).to.include.members([
      '/api/messages',
      '/api/messages/{id}/reprocess',
      '/api/audit',
      '/metrics',
    ]);
  });

  it('exposes the shared metrics with store gauges', async () => {
    const text = (await api.get('/metrics')).text;
    expect(text).to.include('ers_bridge_messages{channel="bulk",status="RECEIVED"}');
    expect(text).to.include('ers_bridge_ers_call_duration_seconds');
  });

  it("answers a message page's live poll with the very parts the page holds (Edit and resend stays), never the body", async () => {
    const id = await seedMessage(h.store, { status: 'ERROR' });
    const operator = new Client(h.url);
    await operator.login('operator', PASSWORD);
    const html = { accept: 'text/html' };
    const page = (await operator.request('GET', `/messages/${id}`, { headers: html })).text;
    const fragment = (await operator.request('GET', `/live/messages/${id}`, { headers: html }))
      .text;
    const cut = fragment.indexOf('<div data-live-part="history">');
    expect(cut).to.be.greaterThan(0);
    expect(page).to.include(`/messages/${id}/edit`);
    // Unchanged data must give unchanged parts, or the page swaps (and loses) them on every poll.
    expect(page).to.include(fragment.slice(0, cut)).and.include(fragment.slice(cut));
    expect(fragment).not.to.include('DOE^JANE');
  });
});
