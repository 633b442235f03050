import { expect } from 'chai';
import { startAdminHarness, type AdminHarness } from './support/admin-harness.js';
import { Client } from './support/http-client.js';
import { eventually } from '../support/engine-harness.js';
import {
  UNKNOWN_SERVICE_HL7,
  addUnknownService,
  copyShippedMappings,
  postHl7,
  referralsChannel,
  sourcePort,
} from '../support/mapping-fixtures.js';

const CHANNEL = referralsChannel({ name: 'Referrals from the PAS' });

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
    h = await startAdminHarness({
      channels: { 'pas.yaml': CHANNEL },
      prepare: copyShippedMappings,
    });
  });
  after(async () => {
    await h.close();
  });

  it('shows the unmapped code in plain words, then sends the message once the table has it', async () => {
    await postHl7(sourcePort(h.engine, 'pas-referrals'), UNKNOWN_SERVICE_HL7, {
      'x-message-id': 'PAS0000999',
    });
    const api = new Client(h.url, h.tokens.operator);
    const id = await eventually(async () => {
      const page = (await api.get('/api/messages?controlId=PAS0000999&status=ERROR')).json<{
        messages: { id: number }[];
      }>();
      return page.messages[0]?.id;
    });
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
