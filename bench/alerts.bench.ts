/**
 * What filters and alert checks cost. (1) The channel filter's verdict on an ADT^A08 (parse +
 * condition) against the shipped REF^I12 → A021 mapping's evaluation of a referral (baseline).
 * (2) One alert check (every rule on) over a SQLite store holding 20,000 messages, against the
 * store's countByStatus() alone (baseline: the query the Channels page runs anyway).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark } from './run.js';
import { gatherSnapshot } from '../src/alerts/gather.js';
import { findings } from '../src/alerts/rules.js';
import { AlertRulesSchema } from '../src/core/alert-settings.js';
import { SettingsSchema } from '../src/core/settings.js';
import type { EngineControl } from '../src/engine/control.js';
import { compileChannelFilter } from '../src/mapping/channel-filter.js';
import { compileMappingFile } from '../src/mapping/compile.js';
import { evaluateParsed } from '../src/mapping/evaluate.js';
import { filterVerdict } from '../src/mapping/filter.js';
import { parseInput } from '../src/mapping/inputs.js';
import { openStore } from '../src/store/index.js';

const HL7 = 'application/hl7-v2';
const ROOT = process.cwd();

async function perSecond(fn: () => Promise<unknown>, ms = 1500): Promise<number> {
  const until = performance.now() + ms;
  let n = 0;
  while (performance.now() < until) {
    await fn();
    n++;
  }
  return n / (ms / 1000);
}

async function filterCost(): Promise<void> {
  const adt = readFileSync(join(ROOT, 'samples', 'hl7', 'adt-a08.hl7'));
  const ref = readFileSync(join(ROOT, 'samples', 'hl7', 'ref-i12.hl7'));
  const { filter } = compileChannelFilter(
    { input: 'hl7v2', drop: 'MSH-9.1 in (ADT, BAR, DFT, MFN, ORM, ORU)' },
    'bench',
  );
  if (filter === undefined) throw new Error('filter did not compile');
  const mapping = compileMappingFile(join(ROOT, 'mappings', 'ref-i12-a021.yaml'));
  const verdicts = await perSecond(async () => {
    const input = await parseInput('hl7v2', adt, HL7);
    if (filterVerdict(filter, { input, values: {} }) === undefined) throw new Error('kept');
  });
  const mapped = await perSecond(async () =>
    evaluateParsed(mapping, await parseInput('hl7v2', ref, HL7)),
  );
  console.log(`channel filter verdict (ADT^A08): ${verdicts.toFixed(0)} msgs/s`);
  console.log(`REF^I12 → A021 mapping (baseline): ${mapped.toFixed(0)} msgs/s`);
  console.log(`filter cost / mapping cost: ${((mapped / verdicts) * 100).toFixed(1)}%`);
}

async function checkCost(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ers-bench-alerts-'));
  const store = await openStore({ url: 'sqlite', dataDir: dir });
  try {
    const now = Date.now();
    const batch = Array.from({ length: 1000 }, (_, i) => ({
      channel: i % 2 === 0 ? 'a' : 'b',
      sender: 'PAS',
      controlId: `c${i}`,
      contentType: HL7,
      raw: Buffer.from(`MSH|^~\\&|PAS|X|||${i}||ADT^A08|c${i}|P|2.4\r`),
    }));
    for (let k = 0; k < 20; k++)
      await store.appendMany(batch.map((m) => ({ ...m, controlId: `${k}-${m.controlId}` })));
    const settings = SettingsSchema.parse({});
    const rules = AlertRulesSchema.parse({ silence: { minutes: 60, channels: ['a', 'b'] } });
    const control = {
      store,
      services: {},
      channels: () =>
        ['a', 'b'].map((id) => ({
          id,
          name: id,
          file: '',
          state: 'STARTED' as const,
          source: { type: 'mllp', endpoint: 'mllp://x', listening: true },
          versionHash: '',
          lastError: null,
          inFlight: 0,
        })),
    } as unknown as EngineControl; // only what gatherSnapshot reads: channels() and store
    let ers = { cursor: 0, streak: 0, statuses: [] as number[] };
    const checks = await perSecond(async () => {
      const r = await gatherSnapshot({
        control,
        rules,
        settings,
        configDir: dir,
        definitions: [],
        now,
        ers,
      });
      ers = { ...r.ers, statuses: [...r.ers.statuses] };
      findings(r.snapshot, rules);
    }, 3000);
    const counts = await perSecond(() => store.countByStatus(), 3000);
    console.log(
      `alert check, 20,000 stored messages, 2 channels: ${(1000 / checks).toFixed(1)} ms`,
    );
    console.log(`countByStatus alone (baseline): ${(1000 / counts).toFixed(1)} ms`);
    console.log(`check / countByStatus: ${(counts / checks).toFixed(2)}×`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const bench: Benchmark = {
  name: 'alerts and filters',
  async run() {
    await filterCost();
    await checkCost();
  },
};
export default bench;
