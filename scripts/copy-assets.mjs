// After `tsc -p tsconfig.build.json`: copies every non-TypeScript file under src/ (dashboard
// stylesheets, templates) to the same place under dist/, so the compiled engine finds them.
import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
cpSync(join(root, 'src'), join(root, 'dist'), {
  recursive: true,
  filter: (source) => !source.endsWith('.ts'),
});
console.log('assets copied to dist/');
