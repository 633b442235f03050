import { expect } from 'chai';
import { ErsClient } from '../../src/ers/client.js';
import { sessionAuth } from '../../src/ers/auth.js';
import { useSandboxClients } from './support/sandbox-clients.js';

const NHS = '9912003888';

interface Bundle {
  total?: number;
  entry?: { resource?: Record<string, unknown>; item?: unknown }[];
}

describe('ers + sandbox: reference data, search, files, PDFs, Advice and Guidance, review', () => {
  const sc = useSandboxClients(10000);

  it('reads reference data (A004)', async () => {
    const { resource } = await sc.referrer.execute('A004', { type: 'SPECIALTY' });
    expect(resource).to.include({ resourceType: 'CodeSystem', id: 'SPECIALTY' });
    expect((resource as { concept: unknown[] }).concept.length).to.be.greaterThan(0);
  });

  it('searches services for a patient (A010) and refers to one found with the same criteria', async () => {
    const criteria = { priority: 'ROUTINE', specialty: 'SLEEP_MEDICINE', clinicType: 'INSOMNIA' };
    const { resource } = await sc.referrer.execute('A010', { nhsNumber: NHS, ...criteria });
    const list = resource as { resourceType: string; entry: Record<string, unknown>[] };
    expect(list.resourceType).to.equal('List');
    // Refer for triage to a found service that takes triage requests (A021: one service).
    const triage = list.entry.find((e) => JSON.stringify(e).includes('TRIAGE_REQUEST'));
    const serviceId = (triage as { item: { identifier: { value: string } } }).item.identifier.value;
    const created = await sc.referrer.execute('A021', {
      nhsNumber: NHS,
      serviceIds: [serviceId],
      ...criteria,
    });
    expect(created.output['ubrn']).to.match(/^\d{12}$/);
  });

  it('retrieves an uploaded attachment byte for byte with its file name (A020, A006)', async () => {
    const data = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0x00, 0xff, 0x10]);
    const up = await sc.referrer.execute('A020', {
      fileName: 'scan.pdf',
      contentType: 'application/pdf',
      dataBase64: data.toString('base64'),
    });
    const got = await sc.referrer.execute('A006', { attachmentUrl: up.output['attachmentUrl'] });
    expect(got.bytes?.equals(data)).to.equal(true);
    expect(got.output['fileName']).to.equal('scan.pdf');
  });

  it('retrieves the clinical information summary PDF of a referral (A007)', async () => {
    const { output } = await sc.referrer.execute('A021', {
      nhsNumber: NHS,
      priority: 'URGENT',
      serviceIds: ['12000'],
    });
    const ubrn = output['ubrn']!;
    const letter = await sc.referrer.execute('A020', {
      fileName: 'letter.txt',
      contentType: 'text/plain',
      dataBase64: Buffer.from('Dear colleague').toString('base64'),
      ubrn,
    });
    await sc.referrer.execute('A012', {
      ubrn,
      version: output['version'],
      files: [{ url: letter.output['attachmentUrl'] }],
      indexed: '2026-11-25T09:00:00+00:00',
    });
    const pdf = await sc.provider.execute('A007', { ubrn });
    expect(pdf.bytes?.subarray(0, 5).toString()).to.equal('%PDF-');
  });

  it('lists A&G requests (A023), reads one and its conversation (A024, A025), and asks for more information (A026)', async () => {
    const worklist = (await sc.provider.execute('A023', {})).resource as {
      entry: { item: { reference: string } }[];
    };
    expect(worklist.entry.map((e) => e.item.reference)).to.include(
      'CommunicationRequest/000000070000',
    );
    const summary = await sc.provider.execute('A024', { ubrn: '000000070000' });
    const version = summary.output['version']!;
    const conversation = (await sc.provider.execute('A025', { ubrn: '000000070000', version }))
      .resource as Bundle;
    expect(conversation.total).to.equal(1);
    const answered = await sc.provider.execute('A026', {
      ubrn: '000000070000',
      version,
      guidance: 'Please send the last blood results.',
      outcome: 'REQUIRE_FURTHER_INFORMATION',
      priority: 'ROUTINE',
    });
    expect(answered.status).to.equal(200);
    const after = await sc.provider.execute('A024', { ubrn: '000000070000' });
    expect(JSON.stringify(after.resource)).to.include('REFERRER_TO_SUBMIT_FURTHER_INFORMATION');
  });

  it('converts an A&G request into a referral with the same UBRN (A027)', async () => {
    const converted = await sc.provider.execute('A027', {
      ubrn: '000000102335',
      version: '4',
      guidance: 'Guidance response',
      priority: 'ROUTINE',
      reviewComments: 'Book when convenient',
      guidanceFiles: [{ url: 'Binary/att-102335-102817', description: 'guidance' }],
      reviewFiles: [{ url: 'Binary/att-102335-102818', description: 'review' }],
      indexed: '2026-11-25T09:00:00+00:00',
    });
    expect(converted.resource?.['resourceType']).to.equal('ReferralRequest');
    expect(converted.output['ubrn']).to.equal('000000102335');
  });

  it('offers the review outcome action on a triage referral (A029) and records it (A028)', async () => {
    const { output } = await sc.referrer.execute('A021', {
      nhsNumber: NHS,
      priority: 'URGENT',
      serviceIds: ['12000'],
    });
    const ubrn = output['ubrn']!;
    const current = await sc.provider.execute('A005', { ubrn });
    const version = current.output['version']!;
    const tasks = (await sc.provider.execute('A029', { ubrn, version })).resource as Bundle;
    expect(JSON.stringify(tasks.entry)).to.include('RECORD_REVIEW_OUTCOME');
    const reviewed = await sc.provider.execute('A028', {
      ubrn,
      version,
      outcome: 'ACCEPT_REFER_BOOK_LATER',
      priority: 'URGENT',
      comments: 'Accepted; the booking team will call.',
    });
    expect(reviewed.status).to.equal(200);
    expect(Number(reviewed.output['version'])).to.be.greaterThan(Number(version));
  });

  it('runs the same operations over the classic path with a professional session', async () => {
    const session = (businessFunction: string) =>
      new ErsClient({
        stu3Base: `${sc.sandbox.url}/STU3/v1`,
        auth: sessionAuth(
          { mode: 'session', asid: '200000000001', token: 'sso', businessFunction, odsCode: 'R69' },
          sc.sandbox.url,
        ),
        requestsPerMinute: 60_000,
        timeoutMs: 10_000,
      });
    const rc = session('REFERRING_CLINICIAN');
    const spc = session('SERVICE_PROVIDER_CLINICIAN');
    try {
      expect((await rc.execute('A004', { type: 'PRIORITY' })).resource?.['id']).to.equal(
        'PRIORITY',
      );
      const search = await rc.execute('A010', {
        nhsNumber: NHS,
        priority: 'ROUTINE',
        specialty: 'SLEEP_MEDICINE',
        clinicType: 'INSOMNIA',
      });
      expect(search.resource?.['resourceType']).to.equal('List');
      const summary = await spc.execute('A024', { ubrn: '000000070001' });
      expect(summary.output['ubrn']).to.equal('000000070001');
      // Classic calls: the ASID on every one, no platform context header.
      expect(sc.sandbox.state.requests.every((r) => 'xapi_asid' in r.headers)).to.equal(true);
      expect(
        sc.sandbox.state.requests.some((r) => 'nhsd-ers-business-function' in r.headers),
      ).to.equal(false);
    } finally {
      await rc.close();
      await spc.close();
    }
  });
});
