import { expect } from 'chai';
import { ErsClient } from '../../src/ers/client.js';
import { platformAuth, sessionAuth, type ErsAuth } from '../../src/ers/auth.js';
import { chooseSlot, freeSlots } from '../../src/mapping/resolve.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';

const NHS = '9912003888';
const MODES = ['platform', 'session'] as const;
const criteria = { priority: 'ROUTINE', specialty: 'SLEEP_MEDICINE', clinicType: 'INSOMNIA' };

describe('ers + sandbox: the operations in both auth modes', () => {
  let sandbox: RunningSandbox;
  before(async () => {
    sandbox = await startSandbox({ port: 0, world: 'legacy' });
  });
  after(() => sandbox.close());
  beforeEach(() => {
    sandbox.state.reset();
  });

  const client = (mode: (typeof MODES)[number], businessFunction: string): ErsClient => {
    const auth: ErsAuth =
      mode === 'platform'
        ? platformAuth({ mode, accessToken: 't', businessFunction, odsCode: 'R69' })
        : sessionAuth(
            { mode, asid: '200000000001', token: 'sso', businessFunction, odsCode: 'R69' },
            sandbox.url,
          );
    return new ErsClient({
      stu3Base: `${sandbox.url}${mode === 'platform' ? '/FHIR/STU3' : '/STU3/v1'}`,
      auth,
      requestsPerMinute: 60_000,
      timeoutMs: 10_000,
    });
  };

  for (const mode of MODES) {
    it(`runs referral, file, booking, worklist, A&G and review operations with ${mode} auth`, async () => {
      const rc = client(mode, 'REFERRING_CLINICIAN');
      const spc = client(mode, 'SERVICE_PROVIDER_CLINICIAN');
      const statuses: Record<string, number> = {};
      const run = async (c: ErsClient, id: string, input: unknown) => {
        const result = await c.execute(id, input);
        statuses[id] = result.status;
        return result;
      };
      try {
        await run(rc, 'A004', { type: 'SPECIALTY' });
        await run(rc, 'A010', { nhsNumber: NHS, ...criteria });
        const direct = (
          await run(rc, 'A011', { nhsNumber: NHS, serviceIds: ['10000'], priority: 'ROUTINE' })
        ).output;
        const letter = await run(rc, 'A019', { ubrn: direct['ubrn'] });
        expect(letter.bytes?.subarray(0, 5).toString()).to.equal('%PDF-');
        const slots = await run(rc, 'A015', {
          serviceId: '10000',
          count: 5,
          priority: 'ROUTINE',
          commissioningRuleOrg: 'R69',
        });
        // The earliest free slot, as a mapping's `resolve: { slot: earliest }` picks it.
        const slot = chooseSlot('earliest', freeSlots(slots.resource), undefined);
        if (typeof slot === 'string') throw new Error(slot);
        await run(rc, 'A016', {
          ubrn: direct['ubrn'],
          version: direct['version'],
          serviceId: '10000',
          nhsNumber: NHS,
          action: 'book',
          slotId: slot.id,
          start: slot.start,
          end: slot.end,
        });
        const triage = (
          await run(rc, 'A021', { nhsNumber: NHS, serviceIds: ['12000'], priority: 'URGENT' })
        ).output;
        const ubrn = triage['ubrn']!;
        const file = await run(rc, 'A020', {
          fileName: 'letter.txt',
          contentType: 'text/plain',
          dataBase64: Buffer.from('Dear colleague').toString('base64'),
          ubrn,
        });
        const linked = await run(rc, 'A012', {
          ubrn,
          version: triage['version'],
          files: [{ url: file.output['attachmentUrl'] }],
          indexed: '2026-11-25T09:00:00+00:00',
        });
        await run(spc, 'A005', { ubrn });
        await run(spc, 'A006', { attachmentUrl: file.output['attachmentUrl'] });
        await run(spc, 'A007', { ubrn });
        await run(spc, 'A008', { listType: 'REFERRALS_FOR_REVIEW' });
        const version = linked.output['version']!;
        await run(spc, 'A029', { ubrn, version });
        await run(spc, 'A028', {
          ubrn,
          version,
          outcome: 'ACCEPT_REFER_BOOK_LATER',
          priority: 'URGENT',
          comments: 'Accepted',
        });
        await run(spc, 'A023', {});
        const advice = await run(spc, 'A024', { ubrn: '000000070000' });
        await run(spc, 'A025', { ubrn: '000000070000', version: advice.output['version'] });
        await run(spc, 'A026', {
          ubrn: '000000070000',
          version: advice.output['version'],
          guidance: 'Please send recent results.',
          outcome: 'REQUIRE_FURTHER_INFORMATION',
          priority: 'ROUTINE',
        });
        await run(spc, 'A027', {
          ubrn: '000000102335',
          version: '4',
          guidance: 'Refer',
          priority: 'ROUTINE',
          reviewComments: 'Book later',
        });
      } finally {
        await rc.close();
        await spc.close();
      }
      // 20 operations called directly (A016 on the slot the earliest rule picked).
      expect(Object.keys(statuses)).to.have.length(20);
      expect(Object.values(statuses).every((s) => s >= 200 && s < 300)).to.equal(true);
      // Every call carried this mode's credentials (the log keeps non-secret headers only).
      const marker = mode === 'platform' ? 'nhsd-ers-business-function' : 'xapi_asid';
      expect(sandbox.state.requests.every((r) => marker in r.headers)).to.equal(true);
    });
  }
});
