import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { frameMllp } from '../../src/sources/mllp/index.js';
import { createHarness, endpointPort, type Harness } from '../support/engine-harness.js';
import { ackValue, exchange } from '../sources/mllp/support.js';
import { copyMappings } from './e2e-support.js';

const REPO = process.cwd();

// The shipped mapping, transformer, e-RS and reply destinations, against the embedded sandbox.
const channel = `id: pas-inbound
name: HL7 from the PAS to e-RS
source:
  type: mllp
  host: 127.0.0.1
  port: 0
  ack: { mode: application, applicationTimeoutMs: 20000 }
transformer:
  type: mapping
  mappings: [mappings/ref-i12-a021.yaml]
destinations:
  - { name: ers, type: ers }
  - { name: reply, type: reply }
retry: { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 50, jitterRatio: 0 }
`;

describe('REF^I12 from the PAS to e-RS and the UBRN back in the ACK (shipped mapping, sandbox)', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    // The shipped tables: SVC-00123 is NHS's cardiology triage service 11004 (the default seed).
    copyMappings(h);
  });
  afterEach(() => h.cleanup());

  it('answers AA with the UBRN the sandbox assigned in MSA-3 and a ZRF segment', async () => {
    h.writeChannel('pas-inbound.yaml', channel);
    const running = await h.start('sandbox: { enabled: true, port: 0 }\n');
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    // MSH-16 = AL asks for the application ACK.
    const ref = readFileSync(join(REPO, 'samples', 'ref-i12-a021', 'input.hl7'), 'utf8').replace(
      '|AL|NE|',
      '|AL|AL|',
    );
    const { replies } = await exchange(port, [frameMllp(ref)], { expect: 1, timeoutMs: 25_000 });
    const ack = replies[0]!;
    expect(ackValue(ack, 'MSA-1'), ack).to.equal('AA');
    const ubrn = /\d{12}/.exec(ackValue(ack, 'MSA-3') ?? '')?.[0];
    expect(ubrn, ack).to.not.equal(undefined);
    expect(ack).to.contain(`ZRF|1|${ubrn}`);
    const [summary] = await running.store.list({});
    const stored = await running.store.get(summary!.id);
    expect(stored?.status).to.equal('SENT');
    expect(stored?.mappingHash).to.match(/^[0-9a-f]{16,}$/);
    const mapped = stored?.mappedInput as {
      input: { nhsNumber: string };
      lineage: Record<string, string>;
    };
    expect(mapped.input.nhsNumber).to.equal('9912003888');
    expect(mapped.lineage['nhsNumber']).to.equal('hl7v2:PID-3[CX.5=NH].1');
  });
});
