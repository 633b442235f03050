import { expect } from 'chai';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { repoRoot } from '../support/engine-process.js';
import type { RunningEngine } from '../../src/main/run.js';

/** The UBRNs the engine's embedded sandbox holds, read over its inspection API. */
async function sandboxUbrns(running: RunningEngine): Promise<string[]> {
  const url = running.engine.services.sandbox?.url;
  if (url === undefined) throw new Error('the engine runs no sandbox');
  const state = (await (await fetch(`${url}/_sandbox/state`)).json()) as {
    referrals: { ubrn: string }[];
  };
  return state.referrals.map((r) => r.ubrn);
}

describe('embedded sandbox seeded from settings.sandbox.seedFile', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  it('loads a seed file named relative to the config folder into the sandbox the engine starts', async () => {
    copyFileSync(join(repoRoot, 'samples', 'sandbox', 'seed.yaml'), join(h.configDir, 'seed.yaml'));
    const running = await h.start('sandbox: { enabled: true, port: 0, seedFile: seed.yaml }\n');
    expect(await sandboxUbrns(running)).to.include('000000098888');
  });

  it('starts with only the default data when no seed file is set', async () => {
    const running = await h.start('sandbox: { enabled: true, port: 0 }\n');
    expect(await sandboxUbrns(running)).to.not.include('000000098888');
  });
});
