import { expect } from 'chai';
import type { AdminHarness } from './support/admin-harness.js';
import { Client } from './support/http-client.js';
import { eventually } from '../support/engine-harness.js';
import {
  addUnknownService,
  erroredUnknownService,
  postUnknownService,
  startReferralsHarness,
} from './support/referrals.js';

interface Detail {
  message: {
    status: string;
    error: { code: string; message: string; at?: string } | null;
    mappingHash: string | null;
  };
}

describe('admin API with the real mapping stage: fix a mapping table, reload, reprocess', function () {
  this.timeout(60_000);
  let h: AdminHarness;
  before(async () => {
    h = await startReferralsHarness({ name: 'Referrals from the PAS' });
  });
  after(async () => {
    await h.close();
  });

  it('shows the unmapped code in plain words, then sends the message once the table has it', async () => {
    await postUnknownService(h);
    const api = new Client(h.url, h.tokens.operator);
    const id = await erroredUnknownService(api);
    const failed = (await api.get(`/api/messages/${id}`)).json<Detail>();
    expect(failed.message.error?.code).to.equal('MAP_UNMAPPED_CODE');
    expect(failed.message.error?.message).to.include('SVC-00999');

    addUnknownService(h.configDir);
    expect(
      (await api.post('/api/channels/pas-referrals/reload')).json<{ ok: boolean }>().ok,
    ).to.equal(true);
    expect(
      (
        await api.post(`/api/messages/${id}/reprocess`, {
          note: 'SVC-00999 added to the service table',
        })
      ).status,
    ).to.equal(200);

    const sent = await eventually(async () => {
      const d = (await api.get(`/api/messages/${id}`)).json<Detail>();
      return d.message.status === 'SENT' ? d : undefined;
    });
    expect(sent.message.error).to.equal(null);
    expect(sent.message.mappingHash).to.be.a('string');
  });
});
