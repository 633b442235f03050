import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../support/engine-harness.js';
import { REPLY_CHANNEL } from '../support/mapping-fixtures.js';

// REPLY_CHANNEL's reply destination renders the mapping's reply section: after a reload, the
// next message is answered with the new mapping (no cache of compiled mappings keeps the old).
const mapping = (label: string): string => `id: m
input: json
operation: A005
inputs:
  ubrn: ubrn
reply:
  fields:
    MSA-3: '${label} {{input.ubrn}}'
`;

describe('mapping hand-off across a hot reload (issue 17)', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(() => h.cleanup());

  it("answers the next message with the reloaded mapping's reply section", async () => {
    writeFileSync(join(h.configDir, 'mappings', 'm.yaml'), mapping('first'));
    h.writeChannel('api.yaml', REPLY_CHANNEL);
    const running = await h.start();
    const reply = async (ubrn: string): Promise<unknown> => {
      const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
      const res = await fetch(`http://127.0.0.1:${port}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ubrn }),
      });
      const { id } = (await res.json()) as { id: number };
      const m = await eventually(async () => {
        const got = await running.store.get(id);
        return got?.status === 'SENT' ? got : undefined;
      });
      const answer = m.destinationResults['answer'] as { output: { ack: { fields: unknown } } };
      return answer.output.ack.fields;
    };
    expect(await reply('000000070000')).to.deep.equal({ 'MSA-3': 'first 000000070000' });
    writeFileSync(join(h.configDir, 'mappings', 'm.yaml'), mapping('second'));
    expect((await running.engine.reloadChannel('api', 'user:test')).ok).to.equal(true);
    expect(await reply('000000070001')).to.deep.equal({ 'MSA-3': 'second 000000070001' });
  });
});
