import { expect } from 'chai';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { copyMappings, send } from './e2e-support.js';
import { startNhsReplay, type NhsReplay } from '../support/nhs-replay/server.js';
import {
  channelFor,
  csvReferrals,
  files,
  finalStatus,
  forErs,
  SAMPLES,
} from './shipped-samples.js';

/**
 * The shipped samples through the shipped channels to a server that answers by NHS's own e-RS
 * sandbox rules and examples (test/support/nhs-replay: exact request bodies, its scenario index), with
 * the settings a user would give for NHS's hosted sandbox: platform auth, a referrer with the
 * provider's role for provider operations, NHS's code-system placeholder.
 */
const settings = (url: string): string =>
  [
    `ers: { baseUrl: '${url}', codeSystemBase: _baseUrl_, auth: { mode: platform, accessToken: t, businessFunction: REFERRING_CLINICIAN, odsCode: R69, businessFunctionFor: { A013: SERVICE_PROVIDER_CLINICIAN, A014: SERVICE_PROVIDER_CLINICIAN, A022: SERVICE_PROVIDER_CLINICIAN } } }`,
  ].join('\n');

/** Samples NHS's sandbox cannot accept, with the call it refuses and why (its own examples disagree). */
const NHS_REFUSES: Readonly<Record<string, RegExp>> = {
  // These SIU^S12 carry no e-RS slot id or version (the fallback path; samples/siu-s12-a016 has
  // them): NHS answers no A015 for 11002 at all (its slot examples: 10000, 11000 with _count 5,
  // 12000–14000).
  'hl7/siu-s12.hl7': /ERS_REJECTED: A015 answered 400/,
  'hl7/batch.hl7': /ERS_REJECTED: A015 answered 400/,
  // No ZRF-7 version: A005 answers 5, NHS's deferral examples want _history/6 (and service 11000).
  'hl7/siu-s14-defer.hl7': /ERS_REJECTED: A016 answered 422/,
  // The samples accept 000000070001 (booked, NHS's BookedDBS): NHS's A013 answers only
  // 000000070000, which its own A005 shows NOT_BOOKED (the spec: A013 only for booked referrals).
  'hl7/rri-i12-accept.hl7': /ERS_REJECTED: A013 answered 422/,
  'rri-i12-a013/input.hl7': /ERS_REJECTED: A013 answered 422/,
  // NHS has no A011 example with a single triage service.
  'ref-i12-a011-triage/input.hl7': /ERS_REJECTED: A011 answered 422/,
};

describe("shipped samples through the shipped channels against NHS's sandbox rules (replica)", () => {
  let h: Harness;
  let nhs: NhsReplay;
  beforeEach(async () => {
    h = createHarness();
    copyMappings(h);
    nhs = await startNhsReplay();
  });
  afterEach(async () => {
    await h.cleanup();
    await nhs.close();
  });

  for (const file of files) {
    const refused = NHS_REFUSES[file];
    it(`${file}: ${refused ? 'refused where NHS’s examples disagree' : 'SENT'}`, async () => {
      h.writeChannel('pas-inbound.yaml', channelFor(file));
      const running = await h.start(settings(nhs.baseUrl));
      const sent = forErs.filter((x) => x.file === file);
      for (const m of sent) await send(running, m.text);
      const statuses = await finalStatus(running, sent.length);
      if (refused) {
        expect(
          statuses.some((st) => refused.test(st)),
          statuses.join('\n'),
        ).to.equal(true);
        return;
      }
      expect(statuses, nhs.report()).to.deep.equal(sent.map(() => 'SENT'));
    });
  }

  it('files/referrals.csv: every row is SENT (A021, NHS’s Parameters.json)', async () => {
    const drop = join(h.dir, 'drop');
    mkdirSync(drop);
    h.writeChannel('csv-referrals.yaml', csvReferrals(drop));
    const running = await h.start(settings(nhs.baseUrl));
    const csv = join(SAMPLES, 'files', 'referrals.csv');
    const rows = readFileSync(csv, 'utf8').trim().split('\n').length - 1;
    copyFileSync(csv, join(drop, 'referrals.csv'));
    const statuses = await finalStatus(running, rows);
    expect(statuses, nhs.report()).to.deep.equal(Array.from({ length: rows }, () => 'SENT'));
  });

  it('skips the A012 of an MDM^T02 when NHS already lists the uploaded file on the referral', async () => {
    h.writeChannel('pas-inbound.yaml', channelFor('mdm-t02-a020/input.hl7'));
    const running = await h.start(settings(nhs.baseUrl));
    const m = forErs.find((x) => x.file === 'mdm-t02-a020/input.hl7');
    expect(m).to.not.equal(undefined);
    await send(running, m!.text);
    expect(await finalStatus(running, 1)).to.deep.equal(['SENT']);
    expect(nhs.exchanges.some((x) => x.path.includes('maintainReferralLetter'))).to.equal(false);
    const [summary] = await running.store.list({});
    const stored = await running.store.get(summary!.id);
    expect(stored?.destinationResults['link']).to.deep.include({
      output: { skipped: 'the new letters are already on the referral', operation: 'A012' },
    });
  });
});
