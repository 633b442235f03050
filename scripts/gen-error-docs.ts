/**
 * Writes docs/errors.md from the error catalogue (`npm run docs:errors`). A test fails when the
 * file and the catalogue disagree, so run this after adding a code.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderErrorDocs } from '../src/core/error-docs.js';

writeFileSync(join(import.meta.dirname, '..', 'docs', 'errors.md'), renderErrorDocs());
console.log('docs/errors.md written');
