/**
 * Writes src/mapping/reference/codes.json (`npx tsx scripts/gen-reference-codes.ts`). A test
 * fails when the file and its sources (the sandbox's A004, NHS's A004 examples) disagree.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReferenceCodes } from './reference-codes.js';

const root = join(import.meta.dirname, '..');
const codes = buildReferenceCodes(root);
writeFileSync(
  join(root, 'src/mapping/reference/codes.json'),
  `${JSON.stringify(codes, null, 1)}\n`,
);
console.log('src/mapping/reference/codes.json written');
