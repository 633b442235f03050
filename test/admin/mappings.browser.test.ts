import { expect } from 'chai';
import { join } from 'node:path';
import {
  overflowOf,
  screenshotDir,
  skipWithoutChromium,
  startSandboxDashboard,
  type SandboxDashboard,
} from './support/browser.js';
import { addUnknownService } from '../support/mapping-fixtures.js';

describe('dashboard mappings page in a real headless Chromium: versions, diff, replay', function () {
  this.timeout(120_000);
  let d: SandboxDashboard;
  let shots: ReturnType<typeof screenshotDir>;
  /** Undone in reverse order; only what was started is listed, so a skipped run cleans nothing. */
  const cleanups: (() => Promise<void> | void)[] = [];

  before(async function () {
    skipWithoutChromium(this);
    shots = screenshotDir();
    cleanups.push(() => {
      shots.cleanup();
    });
    d = await startSandboxDashboard();
    cleanups.push(() => d.close());
    // Two referrals through the shipped pas-inbound channel and the embedded sandbox.
    for (const id of ['PAS0000001', 'PAS0000002']) expect(await d.sendHl7(id)).to.include('MSA|AA');
    // A second version: the service table learns a code, and the channel reloads.
    addUnknownService(d.h.configDir);
    expect((await d.h.engine.reloadChannel('pas-inbound', 'test')).ok).to.equal(true);
  });
  after(async () => {
    for (const undo of cleanups.reverse()) await undo();
  });

  it('shows the kept versions and what changed between the older one and the deployed one', async () => {
    const page = await d.browser.newPage();
    await d.login(page, 'operator');
    await page.getByRole('link', { name: 'Mappings' }).click();
    await page.getByRole('link', { name: 'ref-i12-a021' }).click();
    const rows = page.locator('#versions tbody tr');
    expect(await rows.count()).to.equal(2);
    expect(await rows.first().innerText()).to.include('deployed');
    await page.getByRole('link', { name: 'diff with deployed' }).click();
    expect(await page.locator('#version-diff').innerText()).to.include('+  SVC-00999: "90638"');
    await page.close();
  });

  it('replays the stored messages through a pasted candidate and lists the changed request paths', async () => {
    const page = await d.browser.newPage();
    await d.login(page, 'operator');
    await page.goto(`${d.h.url}/mappings/ref-i12-a021`);
    const editor = page.locator('#replay-form textarea');
    const text = await editor.inputValue();
    await editor.fill(text.replace('const: false', 'const: true'));
    await page.getByLabel('Channel').fill('pas-inbound');
    await page.getByRole('button', { name: 'Replay' }).click();
    expect(await page.locator('#replay-summary').innerText()).to.match(/2\s+replayed/);
    const changes = await page.locator('#replay-items').innerText();
    expect(changes).to.include('valueBoolean: false → true');
    expect(changes.match(/changed/g)).to.have.length(2);
    await page.screenshot({ path: join(shots.dir, 'mapping-replay.png'), fullPage: true });
    expect(await overflowOf(page)).to.equal(0);
    await page.close();
  });
});
