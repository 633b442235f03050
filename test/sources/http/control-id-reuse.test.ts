import { expect } from 'chai';
import '../../support/recorder-destination.js';
import { resetRecorder } from '../../support/recorder-destination.js';
import { createHarness, endpointPort, type Harness } from '../../support/engine-harness.js';

describe('sources/http: a reused control id', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    resetRecorder();
  });
  afterEach(() => h.cleanup());

  it('answers 409 CONTROL_ID_REUSED when the channel refuses reuse, and keeps the message', async () => {
    h.writeChannel(
      'h.yaml',
      'id: web\ncontrolIdReuse: refuse\nsource: { type: http, port: 0 }\ndestinations:\n  - { name: rec, type: test-recorder }\n',
    );
    const running = await h.start();
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const post = (body: unknown) =>
      fetch(`http://127.0.0.1:${port}/messages`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', 'x-message-id': 'C1' },
      });
    const first = await post({ ubrn: '000000070000' });
    expect(first.status).to.equal(202);
    const reused = await post({ ubrn: '000000070001' });
    expect(reused.status).to.equal(409);
    const body = (await reused.json()) as { id: number; code: string };
    expect(body.code).to.equal('CONTROL_ID_REUSED');
    const kept = await running.store.get(body.id);
    expect(kept?.status).to.equal('ERROR');
  });
});
