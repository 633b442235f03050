import { expect } from 'chai';
import { startOrder, type ServiceProvider } from '../../src/core/services.js';

const provider = (name: string, after?: readonly string[]): ServiceProvider => ({
  name,
  ...(after === undefined ? {} : { after }),
  start: () => undefined,
});
const names = (list: readonly ServiceProvider[]): string[] => list.map((p) => p.name);

describe('core: service providers start in the order their `after` lists give', () => {
  it('starts a provider after the ones it names, whatever the import order', () => {
    const ers = provider('ers', ['sandbox']);
    const sandbox = provider('sandbox');
    expect(names(startOrder([ers, sandbox]))).to.deep.equal(['sandbox', 'ers']);
    expect(names(startOrder([sandbox, ers]))).to.deep.equal(['sandbox', 'ers']);
  });

  it('keeps registration order otherwise and ignores a name nobody provides', () => {
    const list = [provider('a'), provider('b', ['mail']), provider('c')];
    expect(names(startOrder(list))).to.deep.equal(['a', 'b', 'c']);
  });

  it('refuses providers that wait for each other', () => {
    expect(() => startOrder([provider('x', ['y']), provider('y', ['x'])])).to.throw(
      /wait for each other/,
    );
  });

  it('orders the real providers: the sandbox before the e-RS client', async () => {
    await import('../../src/main/plugins.js');
    const { serviceProviders } = await import('../../src/core/services.js');
    const order = names(serviceProviders());
    expect(order.indexOf('sandbox')).to.be.greaterThan(-1);
    expect(order.indexOf('sandbox')).to.be.lessThan(order.indexOf('ers'));
  });
});
