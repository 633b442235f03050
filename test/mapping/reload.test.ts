import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { frameMllp } from '../../src/sources/mllp/index.js';
import type { MessageStore } from '../../src/core/store-types.js';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../support/engine-harness.js';
import '../support/recorder-destination.js';
import { exchange } from '../sources/mllp/support.js';

const channel = `id: accept
source: { type: mllp, host: 127.0.0.1, port: 0 }
transformer:
  type: mapping
  mappings: [mappings/accept.yaml]
destinations:
  - { name: rec, type: test-recorder }
`;

const mapping = (comment: string) => `id: rri-accept
input: hl7v2
when: MSH-9.1 = RRI
operation: A013
inputs:
  ubrn:
    from: ZRF-2
  version:
    const: "${comment}"
`;

const message = (controlId: string) =>
  `MSH|^~\\&|PAS|RXX01|ERS|RXX01|20261125091500||RRI^I12|${controlId}|P|2.4\rZRF|1|000000070000\r`;

describe('mapping hot reload through a running engine', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(() => h.cleanup());

  async function mappedVersion(store: MessageStore, controlId: string, port: number) {
    await exchange(port, [frameMllp(message(controlId))], { expect: 1, timeoutMs: 15_000 });
    return eventually(async () => {
      const [summary] = (await store.list({})).filter((m) => m.controlId === controlId);
      const m = summary === undefined ? undefined : await store.get(summary.id);
      if (m?.status !== 'SENT') return undefined;
      const mapped = m.mappedInput as { input: { version: string } };
      return { hash: m.mappingHash, version: mapped.input.version };
    });
  }

  it('refuses a broken mapping edit with file:line, keeps the old version live, then takes a fixed one', async () => {
    const file = join(h.configDir, 'mappings', 'accept.yaml');
    writeFileSync(file, mapping('1'));
    h.writeChannel('accept.yaml', channel);
    const running = await h.start();
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const first = await mappedVersion(running.store, 'C1', port);
    expect(first.version).to.equal('1');

    writeFileSync(file, mapping('1').replace('from: ZRF-2', 'from: ZRF-2[CX.5=NH'));
    const refused = await running.engine.reloadAll('test');
    expect(refused.ok).to.equal(false);
    expect(refused.errors.join('\n')).to.match(/accept\.yaml:\d+:\d+/);
    const port2 = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const during = await mappedVersion(running.store, 'C2', port2);
    expect(during).to.deep.equal(first);

    writeFileSync(file, mapping('2'));
    const accepted = await running.engine.reloadAll('test');
    expect(accepted.ok, accepted.errors.join('\n')).to.equal(true);
    const port3 = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const after = await mappedVersion(running.store, 'C3', port3);
    expect(after.version).to.equal('2');
    expect(after.hash).to.not.equal(first.hash);
  });
});
