import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdminHarness } from './support/admin-harness.js';
import type { Client } from './support/http-client.js';
import { startTesterHarness, tryMapping } from './support/tester.js';

const root = join(import.meta.dirname, '..', '..');
const SAMPLE = readFileSync(join(root, 'samples/ref-i12-a021/input.hl7'), 'utf8');
const EXPECTED_FHIR = JSON.parse(
  readFileSync(join(root, 'samples/ref-i12-a021/expected-fhir.json'), 'utf8'),
) as { path: string; body: unknown };

describe('admin mapping tester (real mapping compiler and evaluator)', function () {
  this.timeout(30_000);
  let h: AdminHarness;
  let api: Client;
  before(async () => {
    ({ h, api } = await startTesterHarness());
    h.writeFile('mappings/broken.yaml', 'id: broken\ninput: hl7v2\noperation: A999\ninputs: {}\n');
    h.writeFile(
      'mappings/twice.yaml',
      'id: twice\ninput: hl7v2\noperation: A999\ninputs: {}\nbogus: 1\n',
    );
  });
  after(async () => {
    await h.close();
  });

  it('lists the mapping files of the config folder, not the tables', async () => {
    const { mappings } = (await api.get('/api/mappings')).json<{ mappings: string[] }>();
    expect(mappings).to.include('mappings/ref-i12-a021.yaml');
    expect(mappings.some((m) => m.includes('tables'))).to.equal(false);
  });

  it('shows the logical inputs with where each came from, and the FHIR request it would send', async () => {
    const r = await tryMapping(api, {
      mapping: 'mappings/ref-i12-a021.yaml',
      message: SAMPLE.replace(/\r/g, '\r\n'),
    });
    expect(r.errors).to.deep.equal([]);
    expect(r.operation).to.equal('A021');
    expect(r.input?.priority).to.equal('ROUTINE');
    expect(r.lineage?.nhsNumber).to.include('PID-3');
    expect(r.request?.path).to.equal(EXPECTED_FHIR.path);
    expect(r.request?.body).to.deep.equal(EXPECTED_FHIR.body);
  });

  it('names the missing field in plain words when the message lacks it', async () => {
    const withoutPriority = SAMPLE.replace(/^RF1\|[^|]*\|[^|]*/m, (seg) =>
      seg.replace(/\|[^|]*$/, '|'),
    );
    const r = await tryMapping(api, {
      mapping: 'mappings/ref-i12-a021.yaml',
      message: withoutPriority,
    });
    expect(r.ok).to.equal(false);
    expect(r.errors[0]).to.deep.include({ code: 'MAP_REQUIRED_FIELD_MISSING', at: 'RF1-2.1' });
  });

  it('reports a mapping that does not compile with its file and line', async () => {
    const r = await tryMapping(api, { mapping: 'mappings/broken.yaml', message: SAMPLE });
    expect(r.ok).to.equal(false);
    expect(r.errors[0]?.code).to.equal('MAP_COMPILE_ERROR');
    expect(r.errors[0]?.message).to.match(/broken\.yaml:\d+/);
  });

  it('lists each compile problem on its own, with the line and column it is at', async () => {
    const r = await tryMapping(api, { mapping: 'mappings/twice.yaml', message: SAMPLE });
    expect(r.ok).to.equal(false);
    expect(r.errors.map((e) => e.code)).to.deep.equal(['MAP_COMPILE_ERROR', 'MAP_COMPILE_ERROR']);
    expect(r.errors.map((e) => e.location?.line)).to.deep.equal([3, 5]);
    expect(r.errors.map((e) => e.location?.col)).to.deep.equal([12, 1]);
    expect(r.errors[0]?.location?.file).to.match(/mappings\/twice\.yaml$/);
    expect(r.errors[1]?.message).to.match(/twice\.yaml:5:1: unknown key "bogus"/);
  });

  it('refuses a mapping path outside the listed files', async () => {
    const reply = await api.post('/api/mapping-test', {
      mapping: '../../etc/passwd',
      message: SAMPLE,
    });
    expect(reply.status).to.equal(400);
  });
});
