import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import '../support/recorder-destination.js';
import { resetRecorder } from '../support/recorder-destination.js';
import { createHarness, eventually, type Harness } from '../support/engine-harness.js';
import {
  copyShippedMappings,
  postHl7,
  recorderChannel,
  sourcePort,
} from '../support/mapping-fixtures.js';

/** 1-based line of the rule `name:` in the shipped mapping (the test follows edits of the file). */
function ruleLine(name: string): number {
  const lines = readFileSync('mappings/ref-i12-a021.yaml', 'utf8').split('\n');
  return lines.findIndex((l) => l === `  ${name}:`) + 1;
}

describe('runtime mapping errors name the rule that failed (file:line:col)', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    resetRecorder();
    copyShippedMappings(h.configDir);
    h.writeChannel('pas.yaml', recorderChannel());
  });
  afterEach(() => h.cleanup());

  async function stored(body: string) {
    const running = await h.start();
    const res = await postHl7(sourcePort(running.engine), body);
    const { id } = (await res.json()) as { id: number };
    return eventually(async () => {
      const got = await running.store.get(id);
      return got?.status === 'ERROR' ? got : undefined;
    });
  }

  it('stores the rule beside the message field of an unmapped code', async () => {
    const m = await stored(
      readFileSync('samples/ref-i12-a021/cases/unknown-priority/input.hl7', 'utf8'),
    );
    expect(m.error).to.deep.include({ code: 'MAP_UNMAPPED_CODE', at: 'RF1-2.1' });
    expect(m.error?.context).to.deep.include({
      table: 'priority',
      rule: `mappings/ref-i12-a021.yaml:${ruleLine('priority')}:3`,
      input: 'priority',
    });
  });

  it('names the rule of a value the operation schema refuses', async () => {
    const sample = readFileSync('samples/ref-i12-a021/input.hl7', 'utf8');
    // A check digit that is wrong: the nhsNumber transform refuses it at PID-3.
    const m = await stored(sample.replace('9912003888^^^NHS^NH', '9912003889^^^NHS^NH'));
    expect(m.error).to.deep.include({ code: 'MAP_INVALID_VALUE', at: 'PID-3[CX.5=NH].1' });
    expect(m.error?.context?.['rule']).to.equal(
      `mappings/ref-i12-a021.yaml:${ruleLine('nhsNumber')}:3`,
    );
  });
});
