import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdminHarness } from './support/admin-harness.js';
import { Client } from './support/http-client.js';
import {
  addUnknownService,
  erroredUnknownService,
  postUnknownService,
  startReferralsHarness,
} from './support/referrals.js';

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
    h = await startReferralsHarness();
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
    await postUnknownService(h);
    const id = await erroredUnknownService(operator);
    const failed = (await operator.get(`/api/messages/${id}`)).json<{
      message: { mappingHash: string | null };
    }>();
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
    addUnknownService(h.configDir);
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
