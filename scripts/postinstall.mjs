// Runs after `npm ci` / `npm install` in a checkout: records which lock file the install came
// from (scripts/test.sh then skips a second `npm ci`) and compiles the CLI to dist/ so a command
// answers in well under a second instead of compiling TypeScript on every run. In the container
// build stage src/ is not there yet at install time; the Dockerfile builds later.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = join(root, 'package-lock.json');
if (existsSync(lock) && existsSync(join(root, 'node_modules'))) {
  const sha = createHash('sha256').update(readFileSync(lock)).digest('hex');
  writeFileSync(join(root, 'node_modules/.ers-bridge-lock.sha256'), `${sha}\n`);
}
const canBuild =
  existsSync(join(root, 'src/cli/main.ts')) &&
  existsSync(join(root, 'tsconfig.build.json')) &&
  existsSync(join(root, 'node_modules/typescript'));
if (canBuild) {
  console.log('ers-bridge: compiling the CLI to dist/ (npm run build)');
  try {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  } catch {
    // The install itself succeeded; bin/ers-bridge.js runs src/ through tsx until a build works.
    console.warn('ers-bridge: the build failed (see above); commands run from src/ until it works');
  }
}
