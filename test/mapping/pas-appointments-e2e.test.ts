import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHarness, type Harness } from '../support/engine-harness.js';
import type { RunningEngine } from '../../src/main/run.js';
import { ackValue } from '../sources/mllp/support.js';
import {
  copyMappings,
  RC,
  REPO,
  SPC,
  sample,
  sandboxOf,
  sandboxSettings,
  send,
  type Sandbox,
} from './e2e-support.js';

// The shipped channel (channels/pas-inbound.yaml: every PAS mapping, destinations ers, link
// running the mappings' `then` step, reply) on port 0, through a real engine, MLLP source and
// embedded sandbox.
const channel = readFileSync(join(REPO, 'channels', 'pas-inbound.yaml'), 'utf8')
  .replace('port: ${ERS_BRIDGE_MLLP_PORT:-2575}', 'port: 0')
  .replace('applicationTimeoutMs: 10000', 'applicationTimeoutMs: 20000')
  .replace(
    /retry:\n.*\n/,
    'retry: { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 50, jitterRatio: 0 }\n',
  );

const PATIENT = '9912003888'; // the SIU samples' patient (NHS's test patient)
const TRIAGE_SERVICE = '11004'; // NHS's cardiology triage service
const SAMPLE_UBRN = '000000070000';
// The RRI samples act on NHS's booked referral pending review (BookedDBS, decision 131).
const RRI_UBRN = '000000070001';
const BOOKABLE = '11002'; // NHS's test world: directly bookable, slots 11002001–11002003
// Slot 11002002 of service 11002: 12:30Z on 20 June 2021 (BST, so London 13:30).
const SLOT = { id: '11002002', hl7: '20210620133000', start: '2021-06-20T12:30:00.000Z' };

describe('PAS appointments and triage answers to e-RS (shipped SIU, RRI, MDM mappings, sandbox)', () => {
  let h: Harness;
  let running: RunningEngine;
  let sandbox: Sandbox;
  const start = async (businessFunction: string): Promise<void> => {
    h.writeChannel('pas-inbound.yaml', channel);
    running = await h.start(sandboxSettings(businessFunction));
    sandbox = sandboxOf(running);
  };
  beforeEach(() => {
    h = createHarness();
    copyMappings(h);
  });
  afterEach(() => h.cleanup());

  it('books the free slot that starts when the PAS booked (SIU^S12 → A015 → A016)', async () => {
    await start(RC);
    const ubrn = await sandbox.createReferral(PATIENT, BOOKABLE, false);
    const ack = await send(
      running,
      sample('siu-s12.hl7', { [SAMPLE_UBRN]: ubrn, '20210613133000': SLOT.hl7 }),
    );
    expect(ackValue(ack, 'MSA-1'), ack).to.equal('AA');
    expect((await sandbox.referral(ubrn)).state).to.equal('BOOKED');
    const [summary] = await running.store.list({});
    const stored = await running.store.get(summary!.id);
    const ers = stored?.destinationResults['ers'] as { request: { body: Record<string, unknown> } };
    expect(ers.request.body['slot']).to.deep.equal([{ reference: `Slot/${SLOT.id}` }]);
    expect(ers.request.body['start']).to.equal(SLOT.start);
    const { lineage } = stored?.mappedInput as { lineage: Record<string, string> };
    expect(lineage['slotId']).to.equal('ers:A015 → slot rule same-start');
    expect(lineage['version']).to.equal('ers:A005 → meta.versionId');
  });

  it('answers AE when no free slot starts at the booked time, and books nothing', async () => {
    await start(RC);
    const ubrn = await sandbox.createReferral(PATIENT, BOOKABLE, false);
    const ack = await send(
      running,
      sample('siu-s12.hl7', { [SAMPLE_UBRN]: ubrn, '20210613133000': '20210620120000' }),
    );
    expect(ackValue(ack, 'MSA-1'), ack).to.equal('AE');
    const [summary] = await running.store.list({});
    expect((await running.store.get(summary!.id))?.error?.code).to.equal('MAP_RESOLVE_FAILED');
    expect((await sandbox.referral(ubrn)).state).to.equal('NOT_BOOKED');
  });

  it('defers the booking to the provider for an SIU^S14 with a deferral reason (A016 defer)', async () => {
    await start(RC);
    const ubrn = await sandbox.createReferral(PATIENT, BOOKABLE, false);
    const ack = await send(running, sample('siu-s14-defer.hl7', { [SAMPLE_UBRN]: ubrn }));
    expect(ackValue(ack, 'MSA-1'), ack).to.equal('AA');
    expect((await sandbox.referral(ubrn)).state).to.equal('DEFERRED_TO_PROVIDER');
  });

  it('cancels a booked appointment for an SIU^S15, at the referral version e-RS holds (A022)', async () => {
    await start(SPC);
    const ubrn = await sandbox.createReferral(PATIENT, BOOKABLE, false);
    const booked = await sandbox.call('A016', {
      ubrn,
      version: '1',
      serviceId: BOOKABLE,
      nhsNumber: PATIENT,
      action: 'book',
      slotId: '11002003',
      start: '2021-06-21T12:30:00.000Z',
      end: '2021-06-21T13:30:00.000Z',
    });
    expect(booked.status).to.equal(201);
    const ack = await send(running, sample('siu-s15.hl7', { '000000070002': ubrn }));
    expect(ackValue(ack, 'MSA-1'), ack).to.equal('AA');
    // As NHS's A022 answers show: the provider now has the referral to action.
    expect((await sandbox.referral(ubrn)).state).to.equal('TRIAGED_PROVIDER_TO_ACTION');
  });

  it('accepts (RRI^I12 RF1-1 A → A013) and rejects (RF1-1 R → A014) referrals awaiting triage', async () => {
    await start(SPC);
    const accepted = await sandbox.createReferral('9912003888', TRIAGE_SERVICE, true);
    const rejected = await sandbox.createReferral('9912003888', TRIAGE_SERVICE, true);
    const a = await send(running, sample('rri-i12-accept.hl7', { [RRI_UBRN]: accepted }));
    const r = await send(running, sample('rri-i12-reject.hl7', { [RRI_UBRN]: rejected }));
    expect([ackValue(a, 'MSA-1'), ackValue(r, 'MSA-1')], `${a}\n${r}`).to.deep.equal(['AA', 'AA']);
    expect((await sandbox.referral(accepted)).state).to.equal('TRIAGED_PROVIDER_TO_ACTION');
    expect((await sandbox.referral(rejected)).state).to.equal('REJECTED');
  });

  it('runs referral and provider flows in one engine on the default sandbox auth (business function per operation)', async () => {
    h.writeChannel('pas-inbound.yaml', channel);
    // No ers.auth: the sandbox default, a referrer with the provider's role for A013/A014 etc.
    running = await h.start('sandbox: { enabled: true, port: 0 }\n');
    sandbox = sandboxOf(running);
    const created = await send(running, sample('ref-i12.hl7'));
    expect(ackValue(created, 'MSA-1'), created).to.equal('AA');
    const triage = await sandbox.createReferral('9912003888', TRIAGE_SERVICE, true);
    const accepted = await send(running, sample('rri-i12-accept.hl7', { [RRI_UBRN]: triage }));
    expect(ackValue(accepted, 'MSA-1'), accepted).to.equal('AA');
    expect((await sandbox.referral(triage)).state).to.equal('TRIAGED_PROVIDER_TO_ACTION');
    const roles = (await running.store.listErsAudit({})).map(
      (a) => `${a.endpoint} ${String(a.detail['businessFunction'])}`,
    );
    expect(roles).to.include(`A013 ${SPC}`);
    expect(roles.some((r) => r.startsWith('A02') && r.endsWith(RC))).to.equal(true);
  });

  it('uploads the MDM^T02 letter (A020) and then links it to the referral (A012)', async () => {
    await start(RC);
    const ubrn = await sandbox.createReferral('9912003888', TRIAGE_SERVICE, true);
    // MSH-15/16 AL/AL: the application ACK waits for both e-RS calls.
    const ack = await send(
      running,
      sample('mdm-t02-a020/input.hl7', { [SAMPLE_UBRN]: ubrn, '|P|2.4\r': '|P|2.4|||AL|AL\r' }),
    );
    expect(ackValue(ack, 'MSA-1'), ack).to.equal('AA');
    expect((await sandbox.referral(ubrn)).letters).to.equal(1);
    const [summary] = await running.store.list({});
    const stored = await running.store.get(summary!.id);
    const link = stored?.destinationResults['link'] as { output: { operation: string } };
    expect(link.output.operation).to.equal('A012');
  });

  it('keeps the letter a referral already has when the MDM^T02 links a new one (A005 → A012)', async () => {
    await start(RC);
    const ubrn = await sandbox.createReferral('9912003888', TRIAGE_SERVICE, true);
    const upload = await sandbox.call('A020', {
      ubrn,
      fileName: 'gp-letter.txt',
      contentType: 'text/plain',
      dataBase64: Buffer.from('Referral letter from the GP').toString('base64'),
    });
    const existing = (upload.location ?? '').replace(/^.*?(Binary\/)/, '$1');
    expect(existing, JSON.stringify(upload)).to.match(/^Binary\/[\w.-]+$/);
    const linked = await sandbox.call('A012', {
      ubrn,
      version: (await sandbox.referral(ubrn)).version,
      files: [{ url: existing, description: 'GP referral letter' }],
      indexed: '2026-11-24T10:00:00+00:00',
    });
    expect(linked.status, JSON.stringify(linked.body)).to.equal(200);
    const ack = await send(
      running,
      sample('mdm-t02-a020/input.hl7', { [SAMPLE_UBRN]: ubrn, '|P|2.4\r': '|P|2.4|||AL|AL\r' }),
    );
    expect(ackValue(ack, 'MSA-1'), ack).to.equal('AA');
    const after = await sandbox.referral(ubrn);
    expect(after.letters).to.equal(2);
    expect(after.letterUrls[0]).to.equal(existing);
  });

  it('still creates referrals from REF^I12 with the UBRN in the ACK; the link step does nothing', async () => {
    await start(RC);
    const ack = await send(running, sample('ref-i12.hl7'));
    expect(ackValue(ack, 'MSA-1'), ack).to.equal('AA');
    expect(ackValue(ack, 'MSA-3'), ack).to.match(/^UBRN \d{12}$/);
    const [summary] = await running.store.list({});
    const stored = await running.store.get(summary!.id);
    expect(stored?.destinationResults['link']).to.deep.equal({
      output: { skipped: 'the mapping has no then step' },
    });
  });
});
