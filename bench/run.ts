/**
 * `npm run bench [-- NAME…]` runs every `bench/*.bench.ts` (or those whose name contains one of
 * the arguments). Each file's default export is a `Benchmark`; it prints its own table with
 * absolute numbers and the ratio against its baseline measured in the same run.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface Benchmark {
  readonly name: string;
  run(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: Benchmark };
  console.log(`\n=== ${mod.default.name} (${file})`);
  const started = performance.now();
  await mod.default.run();
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
