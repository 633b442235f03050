/**
 * The e-RS client's service provider needs the embedded sandbox started before it (it reads
 * `services.sandbox`). Providers start in registration order unless they name others to follow
 * (`after`), so importing the e-RS provider first (as a test that builds clients does) must still
 * start the sandbox's before it.
 * Before the fix, test/ers/contract/openapi.test.ts followed by any engine test on the embedded
 * sandbox failed with "e-RS is not configured".
 */
import { expect } from 'chai';
import '../../src/ers/provider.js';
// Registered after the e-RS provider, as when a test imports src/ers before main/plugins.
import '../../src/sandbox/provider.js';
import { serviceProviders } from '../../src/core/services.js';

describe('e-RS service provider order', () => {
  it('registers the sandbox provider before the e-RS client provider, whatever is imported first', () => {
    const names = serviceProviders().map((p) => p.name);
    expect(names).to.include.members(['sandbox', 'ers']);
    expect(names.indexOf('sandbox')).to.be.lessThan(names.indexOf('ers'));
  });
});
