/**
 * Issue 15, "Done when": PAS messages carrying the data of NHS's e-RS examples
 * (test/fixtures/nhs-pas) go through the SHIPPED channels, mappings and tables, over a real MLLP
 * socket and the CSV drop folder, to NHS's sandbox — here its replay (test/support/nhs-replay),
 * which answers exactly as NHS's sandbox does. Settings are what a user puts for NHS's hosted
 * sandbox (docs/ers-client.md): `ers.baseUrl` the platform's `…/referrals/FHIR`, the embedded
 * sandbox off, platform auth with a provider business function for the provider operations.
 * Every flow must reach SENT with an AA application ACK.
 */
import { expect } from 'chai';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { createLogger } from '../../src/core/logger.js';
import { runEngine, type RunningEngine } from '../../src/main/run.js';
import { frameMllp } from '../../src/sources/mllp/index.js';
import { endpointPort, eventually } from '../support/engine-harness.js';
import { startNhsReplay, type NhsReplay } from '../support/nhs-replay/server.js';
import { exchange } from '../sources/mllp/support.js';

const REPO = process.cwd();
const PAS = join(REPO, 'test', 'fixtures', 'nhs-pas');
const SPC = 'SERVICE_PROVIDER_CLINICIAN';

interface Flow {
  readonly name: string;
  readonly file: string;
  /** Operations NHS's sandbox answered with one of its scenarios, in order. */
  readonly answeredBy: readonly string[];
  /** What the application ACK must carry besides MSA-1 AA (the UBRN e-RS answered). */
  readonly ack?: RegExp;
  /**
   * Set where NHS's sandbox cannot accept the flow because its own examples contradict each
   * other: the call it refuses, and exactly how our request differs from its nearest example
   * (null: a GET, which has no body; 'not compared': a body that cannot resemble any example).
   * The test fails if anything else differs.
   */
  readonly nhsConflict?: {
    readonly refused: string;
    readonly differences: readonly string[] | null | 'not compared';
    readonly why: string;
  };
}

const V5_NOT_6 =
  '$.incomingReferral[0].reference: ours "ReferralRequest/000000070000/_history/5" ≠ NHS "ReferralRequest/000000070000/_history/6"';

const FLOWS: readonly Flow[] = [
  {
    name: 'REF^I12 → A021',
    file: 'ref-i12-a021.hl7',
    answeredBy: ['A021'],
    ack: /MSA\|AA\|NHSX000001\|UBRN 000000070000/,
  },
  {
    name: 'REF^I12 shortlist → A011',
    file: 'ref-i12-a011-shortlist.hl7',
    answeredBy: ['A011'],
    ack: /MSA\|AA\|NHSX000009\|UBRN 000000070000/,
  },
  // NHS's A020 always answers Binary/19eb7224-…, which NHS's A005 of 000000070000 already lists
  // as a letter: the A012 link has nothing to add and is skipped (its own examples link other files).
  { name: 'MDM^T02 → A020 + A012', file: 'mdm-t02-a020-a012.hl7', answeredBy: ['A020', 'A005'] },
  {
    name: 'MDM^T02 on 000000070001 → A020 + A012',
    file: 'mdm-t02-a020-a012-70001.hl7',
    answeredBy: ['A020', 'A005'],
    nhsConflict: {
      refused: 'POST /FHIR/STU3/ReferralRequest/000000070001/$ers.maintainReferralLetter',
      differences: 'not compared',
      why: "NHS's A012 examples link Binary/e1015896-… and 50f0c0d5-…, which its A020 never answers (always 19eb7224-…) and its A005 does not list (719f6045-…)",
    },
  },
  // The PAS sends e-RS's slot id (SCH-1, namespace ERS) and the referral version it holds
  // (ZRF-7): A016 goes out as NHS's MinimalBooking with nothing read first.
  { name: 'SIU^S12 → A016 book', file: 'siu-s12-a016-book.hl7', answeredBy: ['A016'] },
  {
    name: 'SIU^S12 without e-RS ids → A005, A015, A016 book',
    file: 'siu-s12-a016-book-fallback.hl7',
    answeredBy: ['A005'],
    nhsConflict: {
      refused:
        'GET /FHIR/STU3/Slot?schedule.actor%3AHealthcareService=11000&appointmentType=ROUTINE&status=free&_count=20&page=1',
      differences: null,
      why: 'NHS answers A015 for 11000 only with _count=5 (slots 11000001-11000010, never its booked 11000021), and its booking example wants _history/6 while its A005 says version 5',
    },
  },
  // ZRF-7 carries version 6, as NHS's deferral example wants.
  { name: 'SIU^S14 → A016 defer', file: 'siu-s14-a016-defer.hl7', answeredBy: ['A016'] },
  {
    name: 'SIU^S14 without a version → A005, A016 defer',
    file: 'siu-s14-a016-defer-fallback.hl7',
    answeredBy: ['A005'],
    nhsConflict: {
      refused: 'POST /FHIR/STU3/Appointment',
      differences: [V5_NOT_6],
      why: 'NHS\'s A005 answers version 5 (meta.versionId, ETag W/"5"), its A016 examples all want _history/6',
    },
  },
  { name: 'SIU^S15 → A022', file: 'siu-s15-a022.hl7', answeredBy: ['A005', 'A022'] },
  {
    name: 'SIU^S15 (referral ended) → A036',
    file: 'siu-s15-a036.hl7',
    answeredBy: ['A005', 'A036'],
  },
  { name: 'RRI^I12 accept → A013', file: 'rri-i12-a013-accept.hl7', answeredBy: ['A005', 'A013'] },
  { name: 'RRI^I12 reject → A014', file: 'rri-i12-a014-reject.hl7', answeredBy: ['A005', 'A014'] },
];

/** The shipped settings.yaml with what a user changes to use NHS's hosted sandbox. */
function settingsFor(replay: NhsReplay, dataDir: string): string {
  const shipped = parse(readFileSync(join(REPO, 'settings.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  return stringify({
    ...shipped,
    dataDir,
    http: { host: '127.0.0.1', port: 0 },
    sandbox: { enabled: false },
    logging: { level: 'silent' },
    ers: {
      baseUrl: replay.baseUrl,
      // The replay listens on 127.0.0.1, so name the code-system base the hosted sandbox gets by default.
      codeSystemBase: '_baseUrl_',
      auth: {
        mode: 'platform',
        accessToken: 'nhs-sandbox-token',
        businessFunction: 'REFERRING_CLINICIAN',
        odsCode: 'R69',
        businessFunctionFor: { A013: SPC, A014: SPC, A022: SPC },
      },
    },
  });
}

/** Shipped channels, unchanged but for retry timings (a refusal must settle within the test). */
function copyConfig(configDir: string): void {
  cpSync(join(REPO, 'mappings'), join(configDir, 'mappings'), { recursive: true });
  mkdirSync(join(configDir, 'channels'), { recursive: true });
  for (const name of readdirSync(join(REPO, 'channels'))) {
    const yaml = readFileSync(join(REPO, 'channels', name), 'utf8').replace(
      /retry:\n.*\n/,
      'retry: { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 50, jitterRatio: 0 }\n',
    );
    writeFileSync(join(configDir, 'channels', name), yaml);
  }
}

async function finalOf(running: RunningEngine, channel: string): Promise<string> {
  const [done] = await eventually(async () => {
    const list = (await running.store.list({})).filter((m) => m.channel === channel);
    return list.length > 0 &&
      list.every((m) => ['SENT', 'ERROR', 'NEEDS_REVIEW'].includes(m.status))
      ? list
      : undefined;
  }, 30_000);
  const stored = await running.store.get(done!.id);
  return `${done!.status}${stored?.error ? ` ${stored.error.code}: ${stored.error.message}` : ''}`;
}

describe("issue 15: PAS messages with NHS's example data through the shipped channels to NHS's sandbox (replay)", function () {
  this.timeout(60_000);
  let dir: string;
  let replay: NhsReplay;
  let running: RunningEngine | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ers-nhs-replay-'));
    replay = await startNhsReplay();
    const configDir = join(dir, 'config');
    copyConfig(configDir);
    writeFileSync(join(configDir, 'settings.yaml'), settingsFor(replay, join(dir, 'data')));
    running = await runEngine({
      configDir,
      env: { ERS_BRIDGE_MLLP_PORT: '0', ERS_BRIDGE_DEMO_HTTP_PORT: '0' },
      logger: createLogger({ level: 'silent' }),
    });
  });
  afterEach(async () => {
    await running?.stop().catch(() => undefined);
    running = undefined;
    await replay.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const flow of FLOWS) {
    const title = flow.nhsConflict
      ? `refused where NHS's own examples disagree (${flow.nhsConflict.why})`
      : 'SENT, AA';
    it(`${flow.name} (${flow.file}): ${title}`, async () => {
      const engine = running!;
      const mllp = engine.engine.channels().find((c) => c.id === 'pas-inbound');
      const text = readFileSync(join(PAS, flow.file), 'utf8').trim().replace(/\n/g, '\r');
      const { replies } = await exchange(endpointPort(mllp?.source?.endpoint), [frameMllp(text)], {
        expect: 1,
        timeoutMs: 25_000,
      });
      const status = await finalOf(engine, 'pas-inbound');
      const ack = replies[0] ?? '';
      const answered = replay.exchanges.filter((e) => e.scenario !== null).map((e) => e.operation);
      expect(answered, replay.report()).to.deep.equal(flow.answeredBy);
      const conflict = flow.nhsConflict;
      if (conflict === undefined) {
        expect(
          { status, msa: /MSA\|([A-Z]{2})/.exec(ack)?.[1] },
          `${ack}\n${replay.report()}`,
        ).to.deep.equal({
          status: 'SENT',
          msa: 'AA',
        });
        if (flow.ack) expect(ack).to.match(flow.ack);
        return;
      }
      const refused = replay.exchanges.at(-1);
      expect(`${refused?.method} ${refused?.path}${refused?.query}`, replay.report()).to.equal(
        conflict.refused,
      );
      if (conflict.differences !== 'not compared')
        expect(refused?.nearest?.differences ?? null, replay.report()).to.deep.equal(
          conflict.differences,
        );
      expect(status).to.match(/^ERROR ERS_REJECTED/);
    });
  }

  it('MDM^T02: the A012 link is skipped because NHS already lists the uploaded file on 000000070000', async () => {
    const engine = running!;
    const mllp = engine.engine.channels().find((c) => c.id === 'pas-inbound');
    const text = readFileSync(join(PAS, 'mdm-t02-a020-a012.hl7'), 'utf8')
      .trim()
      .replace(/\n/g, '\r');
    await exchange(endpointPort(mllp?.source?.endpoint), [frameMllp(text)], {
      expect: 1,
      timeoutMs: 25_000,
    });
    expect(await finalOf(engine, 'pas-inbound')).to.equal('SENT');
    const [summary] = await engine.store.list({});
    const stored = await engine.store.get(summary!.id);
    expect(stored?.destinationResults['link']).to.deep.include({
      output: { skipped: 'the new letters are already on the referral', operation: 'A012' },
    });
  });

  it('CSV drop (referrals.csv) → A021: SENT', async () => {
    const engine = running!;
    const drop = join(dir, 'data', 'drop', 'referrals');
    mkdirSync(drop, { recursive: true });
    cpSync(join(PAS, 'referrals.csv'), join(drop, 'referrals.csv'));
    const status = await finalOf(engine, 'csv-referrals');
    expect(status, replay.report()).to.equal('SENT');
    const answered = replay.exchanges.filter((e) => e.scenario !== null).map((e) => e.operation);
    expect(answered, replay.report()).to.deep.equal(['A021']);
  });
});
