import { expect } from 'chai';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { ackValue } from '../sources/mllp/support.js';
import { copyMappings, send } from './e2e-support.js';
import {
  channelFor,
  csvReferrals,
  files,
  finalStatus,
  forErs,
  messages,
  NOT_FOR_ERS,
  SAMPLES,
} from './shipped-samples.js';

/**
 * Every shipped HL7 sample and the CSV sample, through the shipped channels (channels/*.yaml with
 * only ports, folders and retry timings changed) to the embedded sandbox with its default seed
 * and its default auth: each message must reach SENT. One engine (and a fresh sandbox world) per
 * sample file, because the samples act on the same referrals of NHS's test world.
 */
/**
 * Samples the embedded sandbox still refuses, with the refusal it gives today: each is a place
 * where our sandbox's NHS world or rules differ from NHS's own sandbox, which accepts the same
 * request (see docs/mapping.md). The test fails when the answer changes: then move the sample to
 * SENT by deleting its entry.
 */
const SANDBOX_REFUSES: Readonly<Record<string, RegExp>> = {};

describe('every shipped sample reaches SENT through the shipped channels (embedded sandbox, default seed)', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    copyMappings(h);
  });
  afterEach(() => h.cleanup());

  it('lists each shipped HL7 message either as an e-RS flow below or as not for e-RS', () => {
    expect(forErs.length).to.be.greaterThan(15);
    const keys = new Set(messages.map((m) => m.key));
    expect(Object.keys(NOT_FOR_ERS).filter((k) => !keys.has(k))).to.deep.equal([]);
    expect(Object.keys(SANDBOX_REFUSES).filter((f) => !files.includes(f))).to.deep.equal([]);
  });

  for (const file of files) {
    const refused = SANDBOX_REFUSES[file];
    const title = refused
      ? `${file}: refused by the embedded sandbox as listed (NHS's sandbox accepts it)`
      : `${file}: every message is acknowledged AA and SENT`;
    it(title, async () => {
      h.writeChannel('pas-inbound.yaml', channelFor(file));
      const running = await h.start('sandbox: { enabled: true, port: 0 }\n');
      const acks: string[] = [];
      for (const m of forErs.filter((x) => x.file === file)) acks.push(await send(running, m.text));
      const statuses = await finalStatus(running, acks.length);
      if (refused) {
        expect(
          statuses.some((st) => refused.test(st)),
          statuses.join('\n'),
        ).to.equal(true);
        return;
      }
      expect(
        acks.map((a) => ackValue(a, 'MSA-1')),
        acks.join('\n'),
      ).to.deep.equal(acks.map(() => 'AA'));
      expect(statuses).to.deep.equal(acks.map(() => 'SENT'));
    });
  }

  it('files/referrals.csv: every row of the shipped extract is SENT (csv-referrals channel)', async () => {
    const drop = join(h.dir, 'drop');
    mkdirSync(drop);
    h.writeChannel('csv-referrals.yaml', csvReferrals(drop));
    const running = await h.start('sandbox: { enabled: true, port: 0 }\n');
    const csv = join(SAMPLES, 'files', 'referrals.csv');
    const rows = readFileSync(csv, 'utf8').trim().split('\n').length - 1;
    copyFileSync(csv, join(drop, 'referrals.csv'));
    const statuses = await finalStatus(running, rows);
    expect(statuses).to.deep.equal(Array.from({ length: rows }, () => 'SENT'));
  });
});
