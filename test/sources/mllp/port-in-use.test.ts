import { expect } from 'chai';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { EngineError } from '../../../src/core/errors.js';
import { startSource } from './support.js';

describe('MLLP listener start', () => {
  let taken: Server;
  beforeEach(async () => {
    taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  });
  afterEach(async () => {
    await new Promise<void>((r) =>
      taken.close(() => {
        r();
      }),
    );
  });

  it('refuses a port already in use with one line naming the setting to change', async () => {
    const port = (taken.address() as AddressInfo).port;
    const error = await startSource({ port }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(EngineError);
    const e = error as EngineError;
    expect(e.code).to.equal('SOURCE_PORT_IN_USE');
    expect(e.message).to.contain(`port ${port} is already in use on 127.0.0.1`);
    expect(e.message).to.contain('change source.port');
    expect(e.message).not.to.contain('\n');
  });
});
