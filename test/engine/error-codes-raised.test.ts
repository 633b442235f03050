import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ERROR_CATALOGUE } from '../../src/core/error-codes.js';

const SRC = join(import.meta.dirname, '..', '..', 'src');
/** The catalogue itself and its docs renderer name every code without raising any. */
const CATALOGUE_FILES = new Set(['error-codes.ts', 'error-docs.ts']);

/** Pure: the source without comments, so a code named only in a comment does not count. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

function sourceText(): string {
  return readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !CATALOGUE_FILES.has(basename(f)))
    .map((f) => withoutComments(readFileSync(join(SRC, f), 'utf8')))
    .join('\n');
}

describe('engine: every catalogued error code is raised somewhere (issue 17)', () => {
  it('finds each code as a string in the code under src/, outside the catalogue', () => {
    const text = sourceText();
    const unraised = Object.keys(ERROR_CATALOGUE).filter(
      (code) => !new RegExp(`['"\`]${code}['"\`]`).test(text),
    );
    // A code nothing raises documents a failure that cannot happen: raise it where it belongs,
    // or remove it from the catalogue (and run `npm run docs:errors`).
    expect(unraised).to.deep.equal([]);
  });
});
