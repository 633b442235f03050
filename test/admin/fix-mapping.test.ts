import { expect } from 'chai';
import { appendFileSync, cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAdminHarness, type AdminHarness } from './support/admin-harness.js';
import { Client } from './support/http-client.js';
import { endpointPort, eventually } from '../support/engine-harness.js';

const root = join(import.meta.dirname, '..', '..');
// The sample referral, naming a PAS service code the service table does not know yet.
const MESSAGE = readFileSync(join(root, 'samples/ref-i12-a021/input.hl7'), 'utf8').replace(
  'SVC-00123',
  'SVC-00999',
);

const CHANNEL = `id: pas-referrals
name: Referrals from the PAS
source: { type: http, port: 0 }
transformer: { type: mapping, mappings: [mappings/ref-i12-a021.yaml] }
destinations:
  - { name: out, type: file, folder: out }
`;

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
      prepare: (configDir) => {
        cpSync(join(root, 'mappings'), join(configDir, 'mappings'), { recursive: true });
      },
    });
  });
  after(async () => {
    await h.close();
  });

  it('shows the unmapped code in plain words, then sends the message once the table has it', async () => {
    const port = endpointPort(
      h.engine.channels().find((c) => c.id === 'pas-referrals')?.source?.endpoint,
    );
    await fetch(`http://127.0.0.1:${port}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/hl7-v2', 'x-message-id': 'PAS0000999' },
      body: MESSAGE,
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

    appendFileSync(join(h.configDir, 'mappings/tables/service.yaml'), '  SVC-00999: "90638"\n');
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
