import { expect } from 'chai';
import { startAdminHarness, PASSWORD, type AdminHarness } from './support/admin-harness.js';
import { Client } from './support/http-client.js';

interface Page {
  messages: { id: number; messageType: string | null }[];
  nextBefore: number | null;
}

describe('admin API: message search (issue 19)', function () {
  this.timeout(30_000);
  let h: AdminHarness;
  let operator: Client;
  let viewer: Client;
  const ids = async (client: Client, query: string): Promise<number[]> => {
    const reply = await client.get(`/api/messages?${query}`);
    expect(reply.status, reply.text).to.equal(200);
    return reply.json<Page>().messages.map((m) => m.id);
  };
  const append = async (over: {
    channel?: string;
    raw?: string;
    messageType?: string;
    sourceMeta?: Record<string, unknown>;
  }): Promise<number> =>
    (
      await h.store.append({
        channel: over.channel ?? 'search',
        sender: 'PAS',
        controlId: `S-${Math.random().toString(36).slice(2)}`,
        contentType: 'application/hl7-v2',
        raw: Buffer.from(over.raw ?? 'MSH|^~\\&|PAS'),
        ...(over.messageType ? { messageType: over.messageType } : {}),
        ...(over.sourceMeta ? { sourceMeta: over.sourceMeta } : {}),
      })
    ).id;

  before(async () => {
    h = await startAdminHarness();
    operator = new Client(h.url, h.tokens.operator);
    viewer = new Client(h.url, h.tokens.viewer);
  });
  after(async () => {
    await h.close();
  });

  it('matches the message type whatever its case', async () => {
    const id = await append({ channel: 'types', messageType: 'MDM^T02' });
    expect(await ids(viewer, 'channel=types&type=mdm%5Et02')).to.deep.equal([id]);
  });

  it('finds a dropped file’s records, and one by its row', async () => {
    const one = await append({ sourceMeta: { file: 'week49.csv', row: 1 } });
    const two = await append({ sourceMeta: { file: 'week49.csv', row: 2 } });
    expect(await ids(viewer, 'file=week49.csv')).to.deep.equal([two, one]);
    expect(await ids(viewer, 'file=week49.csv&row=1')).to.deep.equal([one]);
    const rowAlone = await viewer.get('/api/messages?row=1');
    expect(rowAlone.status).to.equal(400);
    expect(rowAlone.json<{ error: { at: string } }>().error.at).to.equal('row');
  });

  it('takes since and until as dates or ages, and says what it accepts', async () => {
    const id = await append({ channel: 'times' });
    expect(await ids(viewer, 'channel=times&since=1h')).to.deep.equal([id]);
    expect(await ids(viewer, 'channel=times&until=1h')).to.deep.equal([]);
    expect(await ids(viewer, 'channel=times&since=2020-01-01T00:00:00Z')).to.deep.equal([id]);
    const bad = await viewer.get('/api/messages?since=last%20week');
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('an age such as 24h or 7d');
  });

  it('searches bodies by free text and audits each search without its words', async () => {
    const id = await append({ raw: 'MSH|^~\\&|PAS\rPID|1||943^^^NHS^NH||QUENTINOVA^Ada' });
    await append({ raw: 'MSH|^~\\&|PAS\rPID|1||944||OTHER^Ada' });
    expect(await ids(viewer, 'text=quentinova%20ADA')).to.deep.equal([id]);
    const audit = await h.store.listAudit({});
    const row = audit.find((e) => e.action === 'messages.search.text');
    expect(row?.actor).to.equal('user:viewer');
    expect(row?.detail)
      .to.have.property('textHash')
      .that.matches(/^[0-9a-f]{64}$/);
    expect(row?.detail).to.deep.include({ results: 1 });
    expect(JSON.stringify(audit).toLowerCase()).not.to.include('quentinova');
  });

  it('refuses free text without a word in it', async () => {
    const reply = await viewer.get('/api/messages?text=%7C%5E');
    expect(reply.status).to.equal(400);
    expect(reply.json<{ error: { at: string } }>().error.at).to.equal('text');
  });

  it('saves a named filter (operators), lists it to viewers and applies it by name', async () => {
    const err = await append({ channel: 'saved', messageType: 'REF^I12' });
    await append({ channel: 'other', messageType: 'REF^I12' });
    const saved = await operator.request('PUT', '/api/filters/saved-refs', {
      json: { channel: 'saved', type: 'ref^i12', limit: '5' },
    });
    expect(saved.status, saved.text).to.equal(200);
    expect(saved.json()).to.deep.equal({
      name: 'saved-refs',
      query: { channel: 'saved', type: 'ref^i12' },
    });
    const list = (await viewer.get('/api/filters')).json<{
      filters: { name: string; savedBy: string }[];
    }>();
    expect(list.filters.find((f) => f.name === 'saved-refs')?.savedBy).to.equal('user:operator');
    expect(await ids(viewer, 'filter=saved-refs')).to.deep.equal([err]);
    // A field given beside the name takes precedence over the saved one.
    expect(await ids(viewer, 'filter=saved-refs&channel=other')).to.have.length(1);
    const audit = await h.store.listAudit({});
    expect(audit.some((e) => e.action === 'filter.save' && e.target === 'saved-refs')).to.equal(
      true,
    );
  });

  it('refuses to save for viewers, without fields, or with an NHS number; 404 for unknown names', async () => {
    expect(
      (await viewer.request('PUT', '/api/filters/mine', { json: { status: 'ERROR' } })).status,
    ).to.equal(403);
    expect((await operator.request('PUT', '/api/filters/empty', { json: {} })).status).to.equal(
      400,
    );
    const nhs = await operator.request('PUT', '/api/filters/patient', {
      json: { nhsNumber: '9434765919' },
    });
    expect(nhs.status).to.equal(400);
    expect(nhs.json<{ error: { at: string } }>().error.at).to.equal('nhsNumber');
    const bad = await operator.request('PUT', '/api/filters/bad', { json: { status: 'LOST' } });
    expect(bad.status).to.equal(400);
    expect((await viewer.get('/api/messages?filter=nope')).status).to.equal(404);
  });

  it('deletes a saved filter (audited), then answers 404 for it', async () => {
    await operator.request('PUT', '/api/filters/gone', { json: { status: 'DEAD' } });
    const del = await operator.request('DELETE', '/api/filters/gone');
    expect(del.status).to.equal(200);
    expect((await operator.request('DELETE', '/api/filters/gone')).status).to.equal(404);
    expect((await h.store.listAudit({})).some((e) => e.action === 'filter.delete')).to.equal(true);
  });

  it('documents the search parameters and the saved filter paths', async () => {
    const doc = (await viewer.get('/api/openapi.json')).json<{
      paths: Record<string, { get?: { parameters?: { name: string }[] } }>;
    }>();
    expect(Object.keys(doc.paths)).to.include.members(['/api/filters', '/api/filters/{name}']);
    const names = (doc.paths['/api/messages']?.get?.parameters ?? []).map((p) => p.name);
    expect(names).to.include.members(['ubrn', 'nhsNumber', 'type', 'file', 'row', 'since']);
    expect(names).to.include.members(['until', 'text', 'filter']);
  });

  it('offers the search fields and saved filters in the dashboard’s messages form', async () => {
    await operator.request('PUT', '/api/filters/dash', { json: { status: 'ERROR' } });
    const browser = new Client(h.url);
    await browser.login('viewer', PASSWORD);
    const page = await browser.request('GET', '/messages?text=quentinova', {
      headers: { accept: 'text/html' },
    });
    expect(page.status).to.equal(200);
    for (const name of ['file', 'row', 'since', 'until', 'text', 'filter'])
      expect(page.text).to.include(`name="${name}"`);
    expect(page.text).to.include('<option value="dash"');
  });
});
