import { expect } from 'chai';
import { ErsClient } from '../../src/ers/client.js';
import { platformAuth } from '../../src/ers/auth.js';
import type { ErsError } from '../../src/ers/ers-error.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';

const as = (businessFunction: string) =>
  platformAuth({ mode: 'platform', accessToken: 't', businessFunction, odsCode: 'R69' });

describe('ers + sandbox: provider review (A013 accept, A014 reject) and locks', () => {
  let sandbox: RunningSandbox;
  let referrer: ErsClient;
  let provider: ErsClient;
  before(async () => {
    sandbox = await startSandbox({ port: 0 });
    const make = (auth: ReturnType<typeof as>) =>
      new ErsClient({
        stu3Base: `${sandbox.url}/FHIR/STU3`,
        auth,
        requestsPerMinute: 60_000,
        timeoutMs: 5000,
      });
    referrer = make(as('REFERRING_CLINICIAN'));
    provider = make(as('SERVICE_PROVIDER_CLINICIAN'));
  });
  after(() => sandbox.close());
  beforeEach(() => {
    sandbox.state.reset();
  });

  const createDirect = async () =>
    (
      await referrer.execute('A011', {
        nhsNumber: '9912003888',
        priority: 'ROUTINE',
        serviceIds: ['10000'],
      })
    ).output;
  const firstSlot = async () => {
    const bundle = (await referrer.execute('A015', { serviceId: '10000', count: 5 })).resource as {
      entry: { resource: { resourceType: string; id: string; start: string; end: string } }[];
    };
    return bundle.entry.find((e) => e.resource.resourceType === 'Slot')!.resource;
  };

  it('accepts a referral awaiting triage (A013) and rejects a booked one pending review (A014)', async () => {
    const triage = (
      await referrer.execute('A021', {
        nhsNumber: '9912003888',
        priority: 'URGENT',
        serviceIds: ['12000'],
      })
    ).output;
    const accepted = await provider.execute('A013', {
      ubrn: triage['ubrn'],
      version: triage['version'],
    });
    expect(accepted.status).to.equal(200);
    expect(sandbox.state.referrals.get(triage['ubrn']!)?.state).to.equal(
      'TRIAGED_PROVIDER_TO_ACTION',
    );
    const { ubrn, version } = await createDirect();
    const slot = await firstSlot();
    const booked = await referrer.execute('A016', {
      ubrn,
      version,
      serviceId: '10000',
      nhsNumber: '9912003888',
      action: 'book',
      slotId: slot.id,
      start: slot.start,
      end: slot.end,
    });
    const current = (await provider.execute('A005', { ubrn })).output['version'];
    expect(booked.status).to.equal(201);
    const rejected = await provider.execute('A014', {
      ubrn,
      version: current,
      reason: 'SERVICE_PREREQUISITES_NOT_COMPLETE',
      comments: 'Please complete the pre-referral tests first.',
    });
    expect(rejected.status).to.equal(200);
    expect(sandbox.state.referrals.get(ubrn!)?.state).to.equal('REJECTED');
  });

  it('classes a referral locked in the Professional App (423) as transient', async () => {
    const triage = (
      await referrer.execute('A021', {
        nhsNumber: '9912003888',
        priority: 'URGENT',
        serviceIds: ['12000'],
      })
    ).output;
    await fetch(`${sandbox.url}/_sandbox/locks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ubrn: triage['ubrn'], locked: true }),
    });
    const error = (await provider
      .execute('A013', { ubrn: triage['ubrn'], version: triage['version'] })
      .catch((e: unknown) => e)) as ErsError;
    expect(error.status).to.equal(423);
    expect(error).to.include({ code: 'ERS_CONFLICT', retry: 'transient' });
  });
});
