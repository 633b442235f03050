import { expect } from 'chai';
import '../../support/recorder-destination.js';
import { resetRecorder } from '../../support/recorder-destination.js';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../../support/engine-harness.js';
import { hashSearchValue } from '../../../src/store/search-keys.js';

/** The MLLP source's key of an identifier: its search hash, first 32 hex characters. */
const mllpKey = (v: string): string => hashSearchValue(v).slice(0, 32);

describe('sources/http: ordering keys', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    resetRecorder();
  });
  afterEach(() => h.cleanup());

  it('orders JSON bodies by the hashed, normalised UBRN or NHS number, never in clear', async () => {
    h.writeChannel(
      'h.yaml',
      'id: web\nsource: { type: http, port: 0 }\ndestinations:\n  - { name: rec, type: test-recorder }\n',
    );
    const running = await h.start();
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const post = async (body: unknown) => {
      const res = await fetch(`http://127.0.0.1:${port}/messages`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
      return ((await res.json()) as { id: number }).id;
    };
    const spaced = await post({ nhsNumber: '991 200 3896' });
    const plain = await post({ nhsNumber: '9912003896' });
    const withUbrn = await post({ ubrn: '000000070000', nhsNumber: '9912003896' });
    const keys = await eventually(async () => {
      const ms = (
        await Promise.all([spaced, plain, withUbrn].map((id) => running.store.get(id)))
      ).filter((m) => m !== undefined);
      return ms.length === 3 ? ms.map((m) => m.orderingKey) : undefined;
    });
    expect(keys[0]).to.equal(mllpKey('9912003896'));
    expect(keys[1]).to.equal(keys[0]);
    expect(keys[2]).to.equal(mllpKey('000000070000'));
    expect(keys.join()).to.not.include('9912003896');
  });
});
