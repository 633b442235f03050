import { expect } from 'chai';
import type { ErsError } from '../../src/ers/ers-error.js';
import { firstSlotOf, useSandboxClients } from './support/sandbox-clients.js';

describe('ers + sandbox: provider review (A013 accept, A014 reject) and locks', () => {
  const sc = useSandboxClients(5000);

  it('accepts a referral awaiting triage (A013) and rejects a booked one pending review (A014)', async () => {
    const triage = (
      await sc.referrer.execute('A021', {
        nhsNumber: '9912003888',
        priority: 'URGENT',
        serviceIds: ['12000'],
      })
    ).output;
    const accepted = await sc.provider.execute('A013', {
      ubrn: triage['ubrn'],
      version: triage['version'],
    });
    expect(accepted.status).to.equal(200);
    expect(sc.sandbox.state.referrals.get(triage['ubrn']!)?.state).to.equal(
      'TRIAGED_PROVIDER_TO_ACTION',
    );
    const { ubrn, version } = await sc.createDirect();
    const slot = firstSlotOf(await sc.slots());
    const booked = await sc.referrer.execute('A016', {
      ubrn,
      version,
      serviceId: '10000',
      nhsNumber: '9912003888',
      action: 'book',
      slotId: slot.id,
      start: slot.start,
      end: slot.end,
    });
    const current = (await sc.provider.execute('A005', { ubrn })).output['version'];
    expect(booked.status).to.equal(201);
    const rejected = await sc.provider.execute('A014', {
      ubrn,
      version: current,
      reason: 'SERVICE_PREREQUISITES_NOT_COMPLETE',
      comments: 'Please complete the pre-referral tests first.',
    });
    expect(rejected.status).to.equal(200);
    expect(sc.sandbox.state.referrals.get(ubrn!)?.state).to.equal('REJECTED');
  });

  it('classes a referral locked in the Professional App (423) as transient', async () => {
    const triage = (
      await sc.referrer.execute('A021', {
        nhsNumber: '9912003888',
        priority: 'URGENT',
        serviceIds: ['12000'],
      })
    ).output;
    await fetch(`${sc.sandbox.url}/_sandbox/locks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ubrn: triage['ubrn'], locked: true }),
    });
    const error = (await sc.provider
      .execute('A013', { ubrn: triage['ubrn'], version: triage['version'] })
      .catch((e: unknown) => e)) as ErsError;
    expect(error.status).to.equal(423);
    expect(error).to.include({ code: 'ERS_CONFLICT', retry: 'transient' });
  });
});
