import { expect } from 'chai';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../../support/engine-harness.js';

/** Decision 140: the file destination makes its folder once, and again if it was deleted. */
describe('destinations/file: the output folder', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(() => h.cleanup());

  it('writes again after the folder was deleted while the engine runs', async () => {
    h.writeChannel(
      'out.yaml',
      `id: out
source: { type: http, port: 0 }
destinations:
  - { name: out, type: file, folder: drop/out, fileName: '{id}.json' }
retry: { maxAttempts: 1, initialDelayMs: 10, maxDelayMs: 10, jitterRatio: 0 }
`,
    );
    const running = await h.start();
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const sendOne = async (body: string): Promise<string> => {
      const res = await fetch(`http://127.0.0.1:${port}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const { id } = (await res.json()) as { id: number };
      const m = await eventually(async () => {
        const got = await running.store.get(id);
        return got?.status === 'SENT' || got?.status === 'ERROR' || got?.status === 'DEAD'
          ? got
          : undefined;
      });
      expect(m.status).to.equal('SENT');
      return (m.destinationResults['out'] as { output: { file: string } }).output.file;
    };
    const first = await sendOne('{"n":1}');
    const folder = join(first, '..');
    rmSync(join(folder, '..'), { recursive: true, force: true });
    expect(existsSync(folder)).to.equal(false);
    const second = await sendOne('{"n":2}');
    expect(readFileSync(second, 'utf8')).to.equal('{"n":2}');
  });
});
