import { expect } from 'chai';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startAdminHarness, PASSWORD, type AdminHarness } from './support/admin-harness.js';
import { eventually, endpointPort } from '../support/engine-harness.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..', '..');
/** `ERS_BRIDGE_SCREENSHOTS=1` refreshes the README's screenshots in docs/images/. */
const SHOTS = process.env.ERS_BRIDGE_SCREENSHOTS
  ? join(ROOT, 'docs', 'images')
  : join(tmpdir(), `ers-mapping-shots-${process.pid}`);
const SAMPLE = readFileSync(join(ROOT, 'samples/ref-i12-a021/input.hl7'), 'utf8');

const CHANNEL = `id: pas-referrals
source: { type: http, port: 0 }
transformer: { type: mapping, mappings: [mappings/ref-i12-a021.yaml] }
destinations:
  - { name: out, type: file, folder: out }
`;

describe('dashboard mappings page in a real headless Chromium: versions, diff, replay', function () {
  this.timeout(120_000);
  let h: AdminHarness;
  let profile: string;
  let browser: BrowserContext;
  const cleanups: (() => Promise<void> | void)[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`    skipped: ${CHROMIUM} is not installed (apt-get install -y chromium)`);
      this.skip();
    }
    h = await startAdminHarness({
      channels: { 'pas.yaml': CHANNEL },
      prepare: (configDir) => {
        cpSync(join(ROOT, 'mappings'), join(configDir, 'mappings'), { recursive: true });
      },
    });
    cleanups.push(() => h.close());
    const port = endpointPort(h.engine.channels()[0]?.source?.endpoint);
    for (const [id, body] of [
      ['PAS0000001', SAMPLE],
      ['PAS0000002', SAMPLE.replace('SVC-00123', 'SVC-00999')],
    ] as const)
      await fetch(`http://127.0.0.1:${port}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/hl7-v2', 'x-message-id': id },
        body,
      });
    await eventually(async () => (await h.store.list({ status: ['SENT', 'ERROR'] })).length === 2);
    // A second version: the service table learns the code the second message used.
    appendFileSync(join(h.configDir, 'mappings/tables/service.yaml'), '  SVC-00999: "90638"\n');
    expect((await h.engine.reloadChannel('pas-referrals', 'test')).ok).to.equal(true);
    profile = mkdtempSync(join(tmpdir(), 'ers-chromium-'));
    cleanups.push(() => {
      rmSync(profile, { recursive: true, force: true });
    });
    mkdirSync(SHOTS, { recursive: true });
    if (!process.env.ERS_BRIDGE_SCREENSHOTS)
      cleanups.push(() => {
        rmSync(SHOTS, { recursive: true, force: true });
      });
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
      viewport: { width: 1366, height: 900 },
    });
    cleanups.push(() => browser.close());
  });
  after(async () => {
    for (const undo of cleanups.reverse()) await undo();
  });

  async function login(page: Page, user: string): Promise<void> {
    await page.goto(`${h.url}/login`);
    await page.getByLabel('User name').fill(user);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${h.url}/`);
  }

  it('shows the kept versions and what changed between the older one and the deployed one', async () => {
    const page = await browser.newPage();
    await login(page, 'operator');
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
    const page = await browser.newPage();
    await login(page, 'operator');
    await page.goto(`${h.url}/mappings/ref-i12-a021`);
    const editor = page.locator('#replay-form textarea');
    const text = await editor.inputValue();
    await editor.fill(text.replace('const: false', 'const: true'));
    await page.getByRole('button', { name: 'Replay' }).click();
    expect(await page.locator('#replay-summary').innerText()).to.match(/2\s+replayed/);
    const changes = await page.locator('#replay-items').innerText();
    expect(changes).to.include('valueBoolean: false → true');
    expect(changes.match(/changed/g)).to.have.length(2);
    await page.screenshot({ path: join(SHOTS, 'mapping-replay.png'), fullPage: true });
    // The page fits a 1,366 px window.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).to.be.at.most(1366);
    await page.close();
  });
});
