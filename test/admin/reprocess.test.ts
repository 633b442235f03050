import { expect } from 'chai';
import { startAdminHarness, PASSWORD, type AdminHarness } from './support/admin-harness.js';
import { Client } from './support/http-client.js';
import { seedMessage, SAMPLE_HL7 } from './support/fixtures.js';

/** A message SENT with an e-RS effect (what a create leaves), as the engine records it. */
async function sentCreate(h: AdminHarness, channel: string): Promise<number> {
  const id = await seedMessage(h.store, { status: 'ERROR', channel });
  await h.store.transition(id, {
    to: 'SENT',
    stage: 'send',
    actor: 'engine',
    patch: {
      error: null,
      destinationResults: {
        ers: { request: { method: 'POST', path: '/ReferralRequest/$ers.createReferral' } },
      },
    },
  });
  return id;
}

interface Refusal {
  error: { code: string; message: string; context: { reason: string; resend: string[] } };
}

describe('admin: reprocess refuses what would repeat an effect (issue 16)', function () {
  this.timeout(30_000);
  let h: AdminHarness;
  let api: Client;
  before(async () => {
    h = await startAdminHarness();
    api = new Client(h.url, h.tokens.operator);
  });
  after(() => h.close());

  it('refuses a SENT create unless forced, saying what would be sent again', async () => {
    const id = await sentCreate(h, 'single');
    const refused = await api.post(`/api/messages/${id}/reprocess`, {});
    expect(refused.status).to.equal(409);
    const body = refused.json<Refusal>();
    expect(body.error.code).to.equal('STORE_REPROCESS_REFUSED');
    expect(body.error.context).to.deep.equal({ reason: 'effect-succeeded', resend: ['ers'] });
    expect((await h.store.get(id))?.status).to.equal('SENT');
    const forced = await api.post(`/api/messages/${id}/reprocess`, { force: true });
    expect(forced.status).to.equal(200);
    expect(forced.json()).to.deep.include({ resent: ['ers'], from: 'SENT' });
    const audit = await h.store.listAudit({});
    expect(audit.find((a) => a.target === `message:${id}`)?.detail).to.deep.include({
      forced: true,
      resend: ['ers'],
    });
  });

  it('reports what a bulk reprocess skipped and why, leaving those messages as they were', async () => {
    const failed = await seedMessage(h.store, { status: 'ERROR', channel: 'bulk2' });
    const sent = await sentCreate(h, 'bulk2');
    const reply = (await api.post('/api/messages/reprocess', { channel: 'bulk2' })).json<{
      ids: number[];
      skipped: { id: number; reason: string }[];
    }>();
    expect(reply.ids).to.deep.equal([failed]);
    expect(reply.skipped).to.deep.equal([{ id: sent, reason: 'effect-succeeded' }]);
    expect((await h.store.get(sent))?.status).to.equal('SENT');
  });

  it('shows a reused control id, what a forced reprocess resends, and every attempt on the message page', async () => {
    const first = await h.store.append({
      channel: 'page',
      sender: 'PAS',
      controlId: 'PAS0000124',
      contentType: 'application/hl7-v2',
      raw: Buffer.from(SAMPLE_HL7),
    });
    const reused = await h.store.append({
      channel: 'page',
      sender: 'PAS',
      controlId: 'PAS0000124',
      contentType: 'application/hl7-v2',
      raw: Buffer.from(`${SAMPLE_HL7}\rNTE|1||other`),
    });
    await h.store.transition(reused.id, {
      to: 'SENT',
      stage: 'send',
      actor: 'engine',
      patch: {
        destinationResults: { ers: { request: { method: 'POST', path: '/Appointment' } } },
        attemptRecords: [
          {
            attempt: 1,
            destination: 'ers',
            outcome: 'SENT',
            request: { method: 'POST', path: '/Appointment' },
            response: { status: 201 },
            error: null,
          },
        ],
      },
    });
    const browser = new Client(h.url);
    await browser.login('operator', PASSWORD);
    const page = (
      await browser.request('GET', `/messages/${reused.id}`, { headers: { accept: 'text/html' } })
    ).text;
    expect(page).to.include('CONTROL_ID_REUSED');
    expect(page).to.include(`/messages/${first.id}`);
    expect(page).to.include('Reprocessing sends again: ers: POST /Appointment');
    expect(page).to.match(/name="force"[^>]*required/);
    expect(page).to.include('Every attempt');
  });
});
