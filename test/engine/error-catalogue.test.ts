import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderErrorDocs } from '../../src/core/error-docs.js';
import { ERROR_CATALOGUE } from '../../src/core/error-codes.js';
import { EngineError, toEngineError } from '../../src/core/errors.js';

describe('engine: error catalogue', () => {
  it('matches docs/errors.md (run `npm run docs:errors` after adding a code)', () => {
    const onDisk = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'errors.md'), 'utf8');
    expect(onDisk).to.equal(renderErrorDocs());
  });

  it('gives every code an HL7 table 0357 code and an HTTP error status', () => {
    for (const [code, d] of Object.entries(ERROR_CATALOGUE)) {
      expect(d.hl7ErrorCode, code).to.match(/^\d{3}$/);
      expect(d.httpStatus, code).to.be.within(400, 599);
    }
  });

  it('takes the retry class from the catalogue unless the raiser knows better', () => {
    expect(new EngineError('ERS_UNAVAILABLE', 'down').retry).to.equal('transient');
    expect(
      new EngineError('ERS_UNAVAILABLE', 'reset after send', { retry: 'ambiguous' }).retry,
    ).to.equal('ambiguous');
  });

  it('classes an unexpected exception by where it happened', () => {
    expect(toEngineError(new TypeError('bug')).retry).to.equal('permanent');
    expect(toEngineError(new TypeError('bug'), 'ambiguous').code).to.equal('ENGINE_UNEXPECTED');
  });
});
