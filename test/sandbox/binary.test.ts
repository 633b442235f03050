import { expect } from 'chai';
import { PLATFORM, useSandbox } from './support.js';
import { ersCode } from './support.js';

/**
 * A020 upload and A006 download carry raw bytes, not FHIR JSON: they go through fetch, since
 * fhir-kit-client always JSON-encodes bodies and parses answers (decision 020).
 */
describe('sandbox: upload (A020) and retrieve (A006) files', () => {
  const h = useSandbox();
  const upload = (headers: Record<string, string>, body: Buffer) =>
    fetch(`${h.sandbox.url}/FHIR/STU3/Binary`, {
      method: 'POST',
      headers: {
        ...PLATFORM('REFERRING_CLINICIAN'),
        'Content-Type': 'application/pdf',
        'NHSD-eRS-File-Name': 'letter.pdf',
        ...headers,
      },
      body,
    });
  const download = (id: string) =>
    fetch(`${h.sandbox.url}/FHIR/STU3/Binary/${id}`, {
      headers: PLATFORM('SERVICE_PROVIDER_CLINICIAN'),
    });

  it('stores an upload and gives back the same bytes with type and name; the platform marks A006 deprecated', async () => {
    const res = await upload(
      { 'NHSD-eRS-Referral-ID': '000000097366' },
      Buffer.from('%PDF-1.4 test'),
    );
    expect(res.status).to.equal(201);
    const location = res.headers.get('location') ?? '';
    expect(location).to.match(/^Binary\/[0-9a-f-]{36}$/);
    const back = await download(location.slice('Binary/'.length));
    expect(back.status).to.equal(200);
    expect(back.headers.get('content-type')).to.match(/^application\/pdf/);
    expect(back.headers.get('content-disposition')).to.include('letter.pdf');
    expect(back.headers.get('warning')).to.match(/deprecated/);
    expect(Buffer.from(await back.arrayBuffer()).toString()).to.equal('%PDF-1.4 test');
  });

  it('answers A020 errors: no file name, long name, type not in the table, extension, size', async () => {
    const noName = await fetch(`${h.sandbox.url}/FHIR/STU3/Binary`, {
      method: 'POST',
      headers: { ...PLATFORM('REFERRING_CLINICIAN'), 'Content-Type': 'application/pdf' },
      body: Buffer.from('x'),
    });
    expect([noName.status, await ersCode(noName)]).to.deep.equal([400, 'MISSING_HEADER']);
    const long = await upload({ 'NHSD-eRS-File-Name': `${'a'.repeat(252)}.pdf` }, Buffer.from('x'));
    expect([long.status, await ersCode(long)]).to.deep.equal([422, 'INVALID_VALUE']);
    const exe = await upload(
      { 'Content-Type': 'application/x-msdownload', 'NHSD-eRS-File-Name': 'a.exe' },
      Buffer.from('x'),
    );
    expect([exe.status, await ersCode(exe)]).to.deep.equal([422, 'INVALID_CODE']);
    const mismatch = await upload({ 'NHSD-eRS-File-Name': 'a.txt' }, Buffer.from('x'));
    expect([mismatch.status, await ersCode(mismatch)]).to.deep.equal([422, 'CONFLICTING_VALUES']);
    const empty = await upload({}, Buffer.alloc(0));
    expect([empty.status, await ersCode(empty)]).to.deep.equal([422, 'FILE_SIZE_ERROR']);
    const big = await upload({}, Buffer.alloc(5 * 1024 * 1024 + 1));
    expect([big.status, await ersCode(big)]).to.deep.equal([422, 'FILE_SIZE_ERROR']);
  });

  it('answers A006 errors: unknown file 404, a file failing the virus scan 422 THREATS_FOUND', async () => {
    const missing = await download('nothing-here');
    expect([missing.status, await ersCode(missing)]).to.deep.equal([404, 'REFERENCE_NOT_FOUND']);
    const infected = await download('att-70005-70006');
    expect([infected.status, await ersCode(infected)]).to.deep.equal([422, 'THREATS_FOUND']);
  });
});
