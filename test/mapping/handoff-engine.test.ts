import { expect } from 'chai';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningEngine } from '../../src/main/run.js';
import { ERS_INPUT_TRACE, type ErsInputTraceEvent } from '../../src/ers/operations/trace.js';
import { MAPPING_TRACE, type MappingTraceEvent } from '../../src/mapping/trace.js';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { ackValue } from '../sources/mllp/support.js';
import { copyMappings, RC, REPO, sample, sandboxOf, sandboxSettings, send } from './e2e-support.js';

// The shipped channel (every PAS mapping; destinations ers, link = the mappings' `then` step,
// reply) on port 0, through a real engine, MLLP source and embedded sandbox.
const channel = readFileSync(join(REPO, 'channels', 'pas-inbound.yaml'), 'utf8')
  .replace('port: ${ERS_BRIDGE_MLLP_PORT:-2575}', 'port: 0')
  .replace('applicationTimeoutMs: 10000', 'applicationTimeoutMs: 20000');

interface Seen {
  readonly mapping: MappingTraceEvent[];
  readonly ersInput: ErsInputTraceEvent[];
}

/** The mapping and e-RS input trace events published while `run` runs. */
async function traced<T>(run: () => Promise<T>): Promise<Seen & { result: T }> {
  const mapping: MappingTraceEvent[] = [];
  const ersInput: ErsInputTraceEvent[] = [];
  const onMapping = (e: unknown): void => void mapping.push(e as MappingTraceEvent);
  const onInput = (e: unknown): void => void ersInput.push(e as ErsInputTraceEvent);
  subscribe(MAPPING_TRACE, onMapping);
  subscribe(ERS_INPUT_TRACE, onInput);
  try {
    return { mapping, ersInput, result: await run() };
  } finally {
    unsubscribe(MAPPING_TRACE, onMapping);
    unsubscribe(ERS_INPUT_TRACE, onInput);
  }
}

const of = (seen: Seen, operation: string): ErsInputTraceEvent[] =>
  seen.ersInput.filter((e) => e.operation === operation);

describe('a PAS message in application-ACK mode enters mapping/ once (issue 17)', () => {
  let h: Harness;
  let running: RunningEngine;
  beforeEach(async () => {
    h = createHarness();
    copyMappings(h);
    h.writeChannel('pas-inbound.yaml', channel);
    running = await h.start(sandboxSettings(RC));
  });
  afterEach(() => h.cleanup());

  it('a REF^I12 has its mapping resolved once, is parsed once, and its A021 input validated and built once', async () => {
    // MSH-15/16 = AL/AL: the sender asks for the application ACK.
    const ref = readFileSync(join(REPO, 'samples', 'ref-i12-a021', 'input.hl7'), 'utf8').replace(
      '|AL|NE|',
      '|AL|AL|',
    );
    const seen = await traced(() => send(running, ref));
    expect(ackValue(seen.result, 'MSA-1'), seen.result).to.equal('AA');
    expect(ackValue(seen.result, 'MSA-3'), seen.result).to.match(/^UBRN \d{12}$/);
    expect(seen.mapping).to.deep.equal([
      { step: 'parse', kind: 'hl7v2' },
      { step: 'resolve', mappingId: 'ref-i12-a021' },
    ]);
    expect(of(seen, 'A021')).to.deep.equal([
      { step: 'validate', operation: 'A021' },
      { step: 'build', operation: 'A021' },
    ]);
  });

  it("an MDM^T02 is parsed once though its mapping's then step (A012) reads it again", async () => {
    const ubrn = await sandboxOf(running).createReferral('9912003888', '11004', true);
    const mdm = sample('mdm-t02-a020/input.hl7', {
      '000000070000': ubrn,
      '|P|2.4\r': '|P|2.4|||AL|AL\r',
    });
    const seen = await traced(() => send(running, mdm));
    expect(ackValue(seen.result, 'MSA-1'), seen.result).to.equal('AA');
    expect(seen.mapping).to.deep.equal([
      { step: 'parse', kind: 'hl7v2' },
      { step: 'resolve', mappingId: 'mdm-t02-a020' },
    ]);
    // A020 has nothing e-RS resolves: checked by the transformer, built by the client.
    expect(of(seen, 'A020')).to.deep.equal([
      { step: 'validate', operation: 'A020' },
      { step: 'build', operation: 'A020' },
    ]);
  });
});
