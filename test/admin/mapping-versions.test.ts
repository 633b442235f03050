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
source: { type: http, port: 0 }
transformer: { type: mapping, mappings: [mappings/ref-i12-a021.yaml] }
destinations:
  - { name: out, type: file, folder: out }
`;

interface Version {
  hash: string;
  file: string;
  deployed: boolean;
  text?: string;
  tables?: Record<string, string>;
}

describe('admin API: mapping versions, diff, rollback and replay on a real engine', function () {
  this.timeout(60_000);
  let h: AdminHarness;
  let viewer: Client;
  let operator: Client;
  let admin: Client;
  const versions = async (): Promise<Version[]> =>
    (await viewer.get('/api/mappings/ref-i12-a021/versions')).json<{ versions: Version[] }>()
      .versions;

  before(async () => {
    h = await startAdminHarness({
      channels: { 'pas.yaml': CHANNEL },
      prepare: (configDir) => {
        cpSync(join(root, 'mappings'), join(configDir, 'mappings'), { recursive: true });
      },
    });
    viewer = new Client(h.url, h.tokens.viewer);
    operator = new Client(h.url, h.tokens.operator);
    admin = new Client(h.url, h.tokens.admin);
  });
  after(async () => {
    await h.close();
  });

  it('keeps the version an engine loads, and a failed message records its hash', async () => {
    const [loaded, ...older] = await versions();
    expect(older).to.deep.equal([]);
    expect(loaded).to.include({ file: 'mappings/ref-i12-a021.yaml', deployed: true });
    const port = endpointPort(
      h.engine.channels().find((c) => c.id === 'pas-referrals')?.source?.endpoint,
    );
    await fetch(`http://127.0.0.1:${port}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/hl7-v2', 'x-message-id': 'PAS0000999' },
      body: MESSAGE,
    });
    const failed = await eventually(async () => {
      const page = (await operator.get('/api/messages?controlId=PAS0000999&status=ERROR')).json<{
        messages: { id: number }[];
      }>();
      const id = page.messages[0]?.id;
      return id === undefined
        ? undefined
        : (await operator.get(`/api/messages/${id}`)).json<{
            message: { mappingHash: string | null };
          }>();
    });
    expect(failed.message.mappingHash).to.equal(loaded?.hash);
    const kept = (
      await viewer.get(`/api/mappings/ref-i12-a021/versions/${String(loaded?.hash).slice(0, 8)}`)
    ).json<Version>();
    expect(kept.text).to.equal(
      readFileSync(join(h.configDir, 'mappings/ref-i12-a021.yaml'), 'utf8'),
    );
    expect(Object.keys(kept.tables ?? {})).to.include('service.yaml');
  });

  it('keeps a second version after an edit and reload, and diffs the two', async () => {
    const [first] = await versions();
    appendFileSync(join(h.configDir, 'mappings/tables/service.yaml'), '  SVC-00999: "90638"\n');
    expect(
      (await operator.post('/api/channels/pas-referrals/reload')).json<{ ok: boolean }>().ok,
    ).to.equal(true);
    const [second, old] = await versions();
    expect(old?.hash).to.equal(first?.hash);
    expect(second?.deployed).to.equal(true);
    const { diff } = (
      await viewer.get(
        `/api/mappings/ref-i12-a021/diff?from=${String(first?.hash)}&to=${String(second?.hash)}`,
      )
    ).json<{ diff: string }>();
    expect(diff).to.include('tables/service.yaml');
    expect(diff).to.include('+  SVC-00999: "90638"');
  });

  it('replays stored messages through a candidate text and reports the changed request paths', async () => {
    const text = readFileSync(join(h.configDir, 'mappings/ref-i12-a021.yaml'), 'utf8');
    const reply = await operator.post('/api/mappings/replay', {
      candidate: text.replace('const: false', 'const: true'),
    });
    expect(reply.status).to.equal(200);
    const result = reply.json<{
      summary: Record<string, number>;
      items: { outcome: string; changes: { path: string; before: unknown; after: unknown }[] }[];
    }>();
    expect(result.summary).to.include({ total: 1, changed: 1 });
    expect(result.items[0]?.changes).to.deep.include({
      path: '$.body.parameter[3].resource.contained[0].parameter[3].valueBoolean',
      kind: 'changed',
      before: false,
      after: true,
    });
    expect((await viewer.post('/api/mappings/replay', { candidate: text })).status).to.equal(403);
  });

  it('answers a candidate that does not compile with 400, naming the line', async () => {
    const reply = await operator.post('/api/mappings/replay', {
      candidate: 'id: x\ninput: hl7v2\noperation: A999\ninputs: {}\n',
    });
    expect(reply.status).to.equal(400);
    expect(JSON.stringify(reply.json()))
      .to.match(/MAP_COMPILE_ERROR/)
      .and.match(/candidate\.yaml:3/);
  });

  it('rolls back to the first version for an admin only, audited, restoring the table', async () => {
    const [, first] = await versions();
    const body = { version: String(first?.hash).slice(0, 12) };
    expect((await operator.post('/api/mappings/ref-i12-a021/rollback', body)).status).to.equal(403);
    const reply = await admin.post('/api/mappings/ref-i12-a021/rollback', body);
    expect(reply.status).to.equal(200);
    expect(readFileSync(join(h.configDir, 'mappings/tables/service.yaml'), 'utf8')).not.to.include(
      'SVC-00999',
    );
    const audit = (await admin.get('/api/audit')).json<{
      entries: { action: string; target: string }[];
    }>();
    expect(audit.entries).to.deep.include.members([
      {
        ...audit.entries.find((e) => e.action === 'mapping.rollback'),
        action: 'mapping.rollback',
        target: 'ref-i12-a021',
      },
    ]);
  });
});
