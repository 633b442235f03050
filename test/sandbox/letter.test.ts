import { expect } from 'chai';
import { pdfPages } from '../letters/pdf-text.js';
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
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
    const text = pdfPages(pdf).join('\n');
    expect(text).to.contain('0000 0007 0002');
    // Dates as a patient reads them, never ISO.
    expect(text).to.match(
      /\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b/,
    );
    expect(text).to.not.match(/\b\d{4}-\d\d-\d\d\b/);
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
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
    const text = pdfPages(pdf).join('\n');
    expect(text).to.contain('0000 0009 8888');
    expect(text).to.contain('Booked');
    expect(text).to.not.contain('BOOKED');
    expect(text).to.not.match(/\b\d{4}-\d\d-\d\d\b/);
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
