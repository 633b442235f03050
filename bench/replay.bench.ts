/**
 * Mapping replay (issue 18): 100,000 stored REF^I12 messages run through the deployed mapping
 * and a candidate, from a real SQLite store in a temp folder, paged as `mapping replay` pages.
 * Printed beside it, from the same run: the same messages mapped once each straight from memory
 * (parse + map + request, no store), so the ratio shows what replay adds; and the peak RSS,
 * which must stay flat however many messages there are (one page of 500 in memory at a time).
 * The messages are bulk-loaded with appendMany, not through an engine: this measures replay.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark } from './run.js';
import type { NewMessage } from '../src/core/store-types.js';
import { compileMappingFile, compileMappingText } from '../src/mapping/compile.js';
import { evaluateMapping } from '../src/mapping/evaluate.js';
import { replayStored } from '../src/mapping/replay.js';
import { openStore } from '../src/store/index.js';

const COUNT = Number(process.env.ERS_BENCH_REPLAY_COUNT ?? 100_000);
const BATCH = 2_000;

const benchmark: Benchmark = {
  name: `mapping replay: ${COUNT.toLocaleString('en-GB')} stored REF^I12 through deployed + candidate`,
  async run() {
    const root = process.cwd();
    const file = join(root, 'mappings', 'ref-i12-a021.yaml');
    const deployed = compileMappingFile(file);
    const edited = compileMappingText(
      readFileSync(file, 'utf8').replace('const: false', 'const: true'),
      { file: 'candidate.yaml', tablesDir: join(root, 'mappings', 'tables') },
    );
    if (!edited.ok) throw new Error('the candidate does not compile');
    const sample = readFileSync(join(root, 'samples', 'hl7', 'ref-i12.hl7'), 'latin1');
    const dir = mkdtempSync(join(tmpdir(), 'ers-replay-bench-'));
    const store = await openStore({ url: 'sqlite', dataDir: dir });
    try {
      const loadStart = performance.now();
      for (let i = 0; i < COUNT; i += BATCH) {
        const batch: NewMessage[] = [];
        for (let j = i; j < Math.min(COUNT, i + BATCH); j++)
          batch.push({
            channel: 'pas-inbound',
            sender: 'PAS|RXX01',
            controlId: `B${String(j).padStart(9, '0')}`,
            contentType: 'application/hl7-v2',
            messageType: 'REF^I12',
            raw: Buffer.from(
              sample.replace(/\|PAS\d+\|/, `|B${String(j).padStart(9, '0')}|`),
              'latin1',
            ),
          });
        await store.appendMany(batch);
      }
      const loadS = (performance.now() - loadStart) / 1000;

      // Baseline: each message mapped once, from memory (no store, no second mapping).
      const bodies = [Buffer.from(sample, 'latin1')];
      const baseN = Math.min(COUNT, 20_000);
      const baseStart = performance.now();
      for (let i = 0; i < baseN; i++)
        await evaluateMapping(deployed, bodies[0] ?? Buffer.alloc(0), 'application/hl7-v2');
      const baseRate = baseN / ((performance.now() - baseStart) / 1000);

      let peakRss = process.memoryUsage().rss;
      const startRss = peakRss;
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }, 50);
      const started = performance.now();
      let seen = 0;
      const summary = await replayStored({
        store,
        filter: {},
        plans: new Map([['pas-inbound', { deployed: [deployed], candidate: [edited.mapping] }]]),
        onItem: () => {
          seen++;
          if (seen % 20_000 === 0)
            process.stderr.write(`  … ${seen.toLocaleString('en-GB')} replayed\n`);
        },
      });
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      const rate = summary.total / seconds;
      const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(0)} MB`;
      console.log(
        `loaded ${COUNT.toLocaleString('en-GB')} messages in ${loadS.toFixed(1)} s (appendMany)`,
      );
      console.table([
        {
          what: 'replay (store page + 2 mappings + diff)',
          'msg/s': Math.round(rate),
          seconds: seconds.toFixed(1),
        },
        { what: 'baseline: map once from memory', 'msg/s': Math.round(baseRate), seconds: '' },
      ]);
      console.log(
        `replay = ${(rate / baseRate).toFixed(2)}× the baseline's rate (each message is mapped twice, so 0.5× is the ceiling)`,
      );
      console.log(`summary: ${JSON.stringify(summary)}`);
      console.log(
        `RSS: ${mb(startRss)} before replay, peak ${mb(peakRss)} during (load ${loadavg()[0]?.toFixed(1) ?? '?'})`,
      );
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default benchmark;
