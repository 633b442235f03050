/**
 * HL7 v2 parse speed: our lazy codec vs hl7-standard (the package the card asked for) on the
 * same ~1.4 KB REF^I12 (samples/hl7/ref-i12.hl7), each parsing and reading five fields a
 * mapping would read. Also prints one correctness fact per parser (escape decoding).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Benchmark } from './run.js';
import { compileHl7Path, parseHl7 } from '../src/formats/hl7v2/index.js';

interface Hl7StandardMessage {
  transform(): void;
  get(path: string): unknown;
}
// hl7-standard is CommonJS without types.
const HL7Standard = createRequire(import.meta.url)('hl7-standard') as new (
  raw: string,
) => Hl7StandardMessage;

const raw = readFileSync(new URL('../samples/hl7/ref-i12.hl7', import.meta.url));
const text = raw.toString('utf8');
const paths = ['PID-3[CX.5=NH].1', 'PID-5.1', 'MSH-9.1', 'RF1-2.1', 'ZRF-3.1'].map(compileHl7Path);
const theirPaths = ['PID.3.1', 'PID.5.1', 'MSH.9.1', 'RF1.2.1', 'ZRF.3.1'];

/** Runs `fn` repeatedly for about `ms` after a warm-up; returns calls per second. */
function rate(fn: () => void, ms = 2000): number {
  for (let i = 0; i < 2000; i++) fn();
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 500; i++) fn();
    n += 500;
    elapsed = performance.now() - start;
  }
  return (n / elapsed) * 1000;
}

let sink = 0;
const ours = () => {
  const msg = parseHl7(raw);
  for (const p of paths) sink += p.first(msg)?.length ?? 0;
};
const oursParseOnly = () => {
  sink += parseHl7(raw).segments.length;
};
const theirs = () => {
  const msg = new HL7Standard(text);
  msg.transform();
  for (const p of theirPaths) sink += String(msg.get(p)).length;
};

const benchmark: Benchmark = {
  name: 'HL7 v2 parse: ers-bridge codec vs hl7-standard',
  // eslint-disable-next-line @typescript-eslint/require-await -- the Benchmark contract is async
  async run() {
    const a = rate(ours);
    const b = rate(oursParseOnly);
    const c = rate(theirs);
    console.log(
      `message: ${raw.length} bytes, ${text.split('\r').filter(Boolean).length} segments`,
    );
    console.log(`ers-bridge parse + 5 paths   ${Math.round(a).toLocaleString('en-GB')} /s`);
    console.log(`ers-bridge parse only        ${Math.round(b).toLocaleString('en-GB')} /s`);
    console.log(`hl7-standard transform + get ${Math.round(c).toLocaleString('en-GB')} /s`);
    console.log(
      `ratio (ours / hl7-standard, parse + 5 paths): ${(a / c).toFixed(1)}x   target ≥ 50,000/s: ${a >= 50_000 ? 'met' : 'NOT met'}`,
    );
    const theirsMsg = new HL7Standard(text);
    theirsMsg.transform();
    console.log(
      `PID-11.2 decoded — ers-bridge: ${JSON.stringify(compileHl7Path('PID-11.2').first(parseHl7(raw)))}, hl7-standard: ${JSON.stringify(theirsMsg.get('PID.11.2'))}`,
    );
    if (sink === -1) console.log(sink);
  },
};
export default benchmark;
