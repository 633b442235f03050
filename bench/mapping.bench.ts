/**
 * Mapping 1 (REF^I12 → A021): messages/s for parse + map + build the FHIR body, beside bare
 * parses/s of the same message (the lazy HL7 parser, every segment touched once), measured in the
 * same run. Target (issue 6): mapping costs ≤ 3× a bare parse.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Benchmark } from './run.js';
import { listPopulatedFields, parseHl7 } from '../src/formats/hl7v2/index.js';
import { compileMappingFile, evaluateMapping } from '../src/mapping/index.js';

const ROUND_MS = Number(process.env.ERS_BENCH_MAPPING_ROUND_MS ?? 1500);
const ROUNDS = 3;

async function rate(fn: () => unknown): Promise<number> {
  let best = 0;
  for (let r = 0; r < ROUNDS; r++) {
    let n = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < ROUND_MS) {
      for (let i = 0; i < 200; i++) {
        const v = fn();
        if (v instanceof Promise) await v;
      }
      n += 200;
      elapsed = performance.now() - start;
    }
    best = Math.max(best, (n * 1000) / elapsed);
  }
  return best;
}

const benchmark: Benchmark = {
  name: 'mapping: REF^I12 → A021 (parse + map + FHIR body) vs bare parse',
  async run() {
    const root = process.cwd();
    const raw = readFileSync(join(root, 'samples', 'hl7', 'ref-i12.hl7'));
    const mapping = compileMappingFile(join(root, 'mappings', 'ref-i12-a021.yaml'));
    const check = await evaluateMapping(mapping, raw, 'application/hl7-v2');
    if (check.kind !== 'mapped') throw new Error('the benchmark sample does not map');

    // Baseline: parse and visit every segment (a lazy parse alone would measure almost nothing).
    const bare = await rate(() => parseHl7(raw).segments.length);
    // Second baseline: a parse that decodes every populated field (what an eager parser does).
    const eager = await rate(() => listPopulatedFields(parseHl7(raw)).length);
    const mapped = await rate(() => evaluateMapping(mapping, raw, 'application/hl7-v2'));
    const ratio = bare / mapped;
    console.log(
      `message: ${raw.length} bytes, ${check.operation}, ${Object.keys(check.input).length} logical inputs`,
    );
    console.log(`bare parse            ${bare.toFixed(0).padStart(9)} msg/s`);
    console.log(`parse, every field    ${eager.toFixed(0).padStart(9)} msg/s`);
    console.log(`parse + map + FHIR    ${mapped.toFixed(0).padStart(9)} msg/s`);
    console.log(
      `cost ratio            ${ratio.toFixed(2).padStart(9)} × a bare parse (target ≤ 3×: ${ratio <= 3 ? 'met' : 'NOT met'})`,
    );
    console.log(
      `                      ${(eager / mapped).toFixed(2).padStart(9)} × a parse of every field`,
    );
  },
};

export default benchmark;
