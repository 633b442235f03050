import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErsClient } from '../../src/ers/client.js';
import { platformAuth, sessionAuth, type ErsAuth } from '../../src/ers/auth.js';
import { hashSearchValue } from '../../src/store/search-keys.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { SqliteMessageStore } from '../../src/store/sqlite/index.js';

const NHS = '9912003888';
const referral = { nhsNumber: NHS, priority: 'URGENT', serviceIds: ['12000'] };

describe('ers: §8 audit fields on every call', () => {
  let sandbox: RunningSandbox;
  let dir: string;
  let store: SqliteMessageStore;
  before(async () => {
    sandbox = await startSandbox({ port: 0, world: 'legacy' });
    dir = mkdtempSync(join(tmpdir(), 'ers-audit-'));
    store = new SqliteMessageStore({ file: join(dir, 's.db') });
  });
  after(async () => {
    await sandbox.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    sandbox.state.reset();
  });

  const client = (auth: ErsAuth, flavour: 'FHIR/STU3' | 'STU3/v1' = 'FHIR/STU3') =>
    new ErsClient({
      stu3Base: `${sandbox.url}/${flavour}`,
      auth,
      requestsPerMinute: 60_000,
      timeoutMs: 5000,
      store,
      host: 'ers-bridge.test.nhs.uk',
    });
  const lastRow = async () => (await store.listErsAudit({})).at(-1)!;

  it('records organisation, business function, host, correlation id, UBRN and only a hash of the NHS number', async () => {
    const c = client(
      platformAuth({
        mode: 'platform',
        accessToken: 't',
        businessFunction: 'REFERRING_CLINICIAN',
        odsCode: 'R69',
      }),
    );
    const { output } = await c.execute('A021', referral);
    const row = await lastRow();
    expect(row.endpoint).to.equal('A021');
    expect(row.detail).to.deep.include({
      eventType: 'POST',
      accessMode: 'user-restricted',
      organisation: 'R69',
      businessFunction: 'REFERRING_CLINICIAN',
      host: 'ers-bridge.test.nhs.uk',
      createdUbrn: output['ubrn'],
      nhsNumberHash: hashSearchValue(NHS),
      resourceType: 'Referral Request',
    });
    const sent = sandbox.state.requests.at(-1)!;
    expect(row.detail['correlationId']).to.equal(sent.headers['x-correlation-id']);
    expect(JSON.stringify(row.detail)).to.not.include(NHS);
  });

  it('takes the NHS number from the answer when the request has none (A005 read)', async () => {
    const auth = platformAuth({
      mode: 'platform',
      accessToken: 't',
      businessFunction: 'REFERRING_CLINICIAN',
      odsCode: 'R69',
    });
    const { output } = await client(auth).execute('A021', referral);
    await client(auth).execute('A005', { ubrn: output['ubrn'] });
    const row = await lastRow();
    expect(row.detail).to.deep.include({
      auditType: 'API Retrieve Request Summary',
      eventType: 'GET',
      ubrn: output['ubrn'],
      nhsNumberHash: hashSearchValue(NHS),
    });
  });

  it('records the on-behalf-of user of a service provider clinician admin', async () => {
    const c = client(
      platformAuth({
        mode: 'platform',
        accessToken: 't',
        businessFunction: 'SERVICE_PROVIDER_CLINICIAN_ADMIN',
        odsCode: 'R69',
        onBehalfOfUserId: '921600556514',
      }),
    );
    await c.execute('A008', { listType: 'REFERRALS_FOR_REVIEW' });
    const row = await lastRow();
    expect(row.detail).to.deep.include({
      onBehalfOfUserId: '921600556514',
      businessFunction: 'SERVICE_PROVIDER_CLINICIAN_ADMIN',
      auditType: 'API Retrieve Request List',
      resourceType: 'Worklist',
    });
  });

  it('records ASID, session, smartcard user and organisation name in the classic session mode', async () => {
    const auth = sessionAuth(
      {
        mode: 'session',
        asid: '200000000001',
        token: 'sso-token',
        businessFunction: 'REFERRING_CLINICIAN',
        odsCode: 'R69',
      },
      sandbox.url,
    );
    const c = client(auth, 'STU3/v1');
    await c.execute('A021', referral);
    const row = await lastRow();
    expect(row.detail).to.deep.include({
      accessMode: 'session',
      asid: '200000000001',
      userId: '021600556514',
      organisation: 'R69',
      businessFunction: 'REFERRING_CLINICIAN',
    });
    expect(row.detail['sessionId'])
      .to.be.a('string')
      .and.match(/^pro-xapi-session_/);
    await c.close();
  });

  it('records the attachment id and file name of an upload', async () => {
    const c = client(
      platformAuth({
        mode: 'platform',
        accessToken: 't',
        businessFunction: 'REFERRING_CLINICIAN',
        odsCode: 'R69',
      }),
    );
    const upload = await c.execute('A020', {
      fileName: 'letter.txt',
      contentType: 'text/plain',
      dataBase64: Buffer.from('dear colleague').toString('base64'),
    });
    const row = await lastRow();
    expect(row.detail).to.deep.include({
      fileName: 'letter.txt',
      resourceType: 'Clinical Attachment',
      attachmentId: upload.output['attachmentUrl']?.replace('Binary/', ''),
    });
  });
});
