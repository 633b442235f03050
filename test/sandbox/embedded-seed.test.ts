import { expect } from 'chai';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { repoRoot } from '../support/engine-process.js';

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
    const url = running.engine.services.sandbox?.url;
    expect(url).to.be.a('string');
    const state = (await (await fetch(`${String(url)}/_sandbox/state`)).json()) as {
      referrals: { ubrn: string }[] | Record<string, unknown>;
    };
    const ubrns = Array.isArray(state.referrals)
      ? state.referrals.map((r) => r.ubrn)
      : Object.keys(state.referrals);
    expect(ubrns).to.include('000000098888');
  });

  it('starts with only the default data when no seed file is set', async () => {
    const running = await h.start('sandbox: { enabled: true, port: 0 }\n');
    const url = String(running.engine.services.sandbox?.url);
    const state = (await (await fetch(`${url}/_sandbox/state`)).json()) as {
      referrals: { ubrn: string }[] | Record<string, unknown>;
    };
    const ubrns = Array.isArray(state.referrals)
      ? state.referrals.map((r) => r.ubrn)
      : Object.keys(state.referrals);
    expect(ubrns).to.not.include('000000098888');
  });
});
