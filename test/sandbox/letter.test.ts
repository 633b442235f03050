import { expect } from 'chai';
import { PLATFORM, ersCode, useSandbox } from './support.js';

/** A019 and A007 answer PDFs, so they go through fetch (fhir-kit-client parses answers as JSON). */
describe('sandbox: PDFs — patient letter (A019) and clinical information (A007)', () => {
  const h = useSandbox();
  const post = (ubrn: string, op: string, role: string) =>
    fetch(`${h.sandbox.url}/FHIR/STU3/ReferralRequest/${ubrn}/$ers.${op}`, {
      method: 'POST',
      headers: { ...PLATFORM(role), Accept: 'application/pdf' },
    });

  it('renders the patient letter of an unbooked referral as a real PDF (A019)', async () => {
    const res = await post('000000070002', 'generatePatientLetter', 'REFERRING_CLINICIAN');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-disposition')).to.match(
      /000000070002_Appointment_Request_\d{14}\.pdf/,
    );
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).to.equal('%PDF-');
  });

  it('refuses A019 for a booked referral (INVALID_REQUEST_STATE) and an unknown one (NO_SUCH_REQUEST)', async () => {
    const booked = await post('000000098888', 'generatePatientLetter', 'REFERRING_CLINICIAN');
    expect([booked.status, await ersCode(booked)]).to.deep.equal([422, 'INVALID_REQUEST_STATE']);
    const unknown = await post('000000011111', 'generatePatientLetter', 'REFERRING_CLINICIAN');
    expect([unknown.status, await ersCode(unknown)]).to.deep.equal([422, 'NO_SUCH_REQUEST']);
  });

  it('renders the clinical information summary for the provider (A007)', async () => {
    const res = await post('000000098888', 'generateCRI', 'SERVICE_PROVIDER_CLINICIAN');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^application\/pdf/);
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).to.equal('%PDF-');
  });

  it('refuses A007 without clinical information, for an A&G UBRN and for an unknown UBRN', async () => {
    const none = await post('000000070002', 'generateCRI', 'SERVICE_PROVIDER_CLINICIAN');
    expect([none.status, await ersCode(none)]).to.deep.equal([422, 'NO_CLINICAL_INFO']);
    const advice = await post('000000070001', 'generateCRI', 'SERVICE_PROVIDER_CLINICIAN');
    expect([advice.status, await ersCode(advice)]).to.deep.equal([422, 'INVALID_REQUEST_TYPE']);
    const unknown = await post('000000011111', 'generateCRI', 'SERVICE_PROVIDER_CLINICIAN');
    expect([unknown.status, await ersCode(unknown)]).to.deep.equal([422, 'NO_SUCH_REQUEST']);
  });
});
