#!/usr/bin/env node
// The ers-bridge command. Runs the compiled CLI in dist/ (built by `npm ci` / `npm run build`).
// In a source checkout whose src/ changed after the last build, running stale code would be
// worse than running slowly: it runs src/ through tsx instead and says how to get the speed back.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist/cli/main.js');
const source = join(root, 'src');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

const stale =
  existsSync(source) && (!existsSync(compiled) || newestMtime(source) > statSync(compiled).mtimeMs);
if (!stale) {
  await import(pathToFileURL(compiled).href);
} else if (existsSync(join(root, 'node_modules/tsx'))) {
  process.stderr.write(
    'ers-bridge: src/ is newer than the compiled dist/: running from source (slower); `npm run build` makes commands fast again\n',
  );
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(source, 'cli/main.ts')).href);
} else {
  process.stderr.write('ers-bridge: dist/ is missing or out of date: run `npm run build`\n');
  process.exit(1);
}
