import { expect } from 'chai';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, skipWithoutChromium } from '../support/chromium.js';
import './support/test-plugins.js';
import { REFERRAL_CHANNEL } from './support/test-plugins.js';
import { startAdminHarness, PASSWORD, type AdminHarness } from './support/admin-harness.js';
import { seedMessage } from './support/fixtures.js';
import { eventually, endpointPort } from '../support/engine-harness.js';
import { copyShippedMappings } from '../support/mapping-fixtures.js';

const ROOT = join(import.meta.dirname, '..', '..');
/**
 * This walk-through's screenshots go to a temp folder, so a test run does not change tracked
 * files; the README's screenshots (docs/images/) come from dashboard-layout.browser.test.ts.
 */
const SHOTS = join(tmpdir(), `ers-dashboard-shots-${process.pid}`);
const UBRN = '000000070001';

async function send(port: number, body: Record<string, unknown>): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return ((await res.json()) as { id: number }).id;
}

describe('dashboard in a real headless Chromium', function () {
  this.timeout(120_000);
  let h: AdminHarness;
  let browser: BrowserContext;
  /** Undone in reverse order; only what was started is listed, so a skipped run cleans nothing. */
  const cleanups: (() => Promise<void> | void)[] = [];
  let failedId: number;

  before(async function () {
    skipWithoutChromium(this);
    h = await startAdminHarness({
      channels: { 'referrals.yaml': REFERRAL_CHANNEL },
      // The mapping reads the priority from the wrong field: e-RS will refuse the referral.
      files: { 'mappings/referral.json': '{ "priorityField": "urgency" }\n' },
    });
    cleanups.push(() => h.close());
    copyShippedMappings(h.configDir);
    const port = endpointPort(h.engine.channels()[0]?.source?.endpoint);
    for (let i = 2; i <= 6; i++) await send(port, { ubrn: `00000007000${i}`, urgency: 'routine' });
    failedId = await send(port, { ubrn: UBRN, priority: 'urgent' });
    await seedMessage(h.store, {
      status: 'NEEDS_REVIEW',
      channel: 'referrals',
      ubrn: '000000070099',
    });
    await eventually(async () => (await h.store.get(failedId))?.status === 'ERROR');
    mkdirSync(SHOTS, { recursive: true });
    cleanups.push(() => {
      rmSync(SHOTS, { recursive: true, force: true });
    });
    const chromium = await launchChromium({ width: 1360, height: 900 });
    browser = chromium.browser;
    cleanups.push(() => chromium.close());
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

  it('lets an operator find a failed message by UBRN, fix the mapping, reprocess it and see it SENT', async () => {
    const page = await browser.newPage();
    await page.goto(`${h.url}/login`);
    await page.screenshot({ path: join(SHOTS, 'login.png') });
    await login(page, 'operator');
    await page.screenshot({ path: join(SHOTS, 'channels.png'), fullPage: true });

    await page.getByRole('link', { name: 'Messages' }).click();
    await page.getByLabel('UBRN').fill(UBRN);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.screenshot({ path: join(SHOTS, 'messages.png'), fullPage: true });
    await page.getByRole('link', { name: String(failedId), exact: true }).click();
    const error = page.getByRole('alert');
    expect(await error.innerText()).to.include('the priority is missing');
    await page.screenshot({ path: join(SHOTS, 'message-error.png'), fullPage: true });

    // Fix the mapping on disk, then reload the channel from the dashboard.
    h.writeFile('mappings/referral.json', '{ "priorityField": "priority" }\n');
    await page.getByRole('link', { name: 'Channels' }).click();
    await page.getByRole('button', { name: 'Reload' }).click();
    expect(await page.getByRole('status').innerText()).to.include('reloaded');

    await page.goto(`${h.url}/messages/${failedId}`);
    await page.getByLabel('Note').fill('priority field fixed in referral.json');
    await page.getByRole('button', { name: 'Reprocess' }).click();
    expect(await page.getByRole('status').innerText()).to.include('queued again');
    await eventually(async () => (await h.store.get(failedId))?.status === 'SENT');
    await page.reload();
    expect(await page.locator('h1 .badge').innerText()).to.equal('SENT');
    await page.screenshot({ path: join(SHOTS, 'message-sent.png'), fullPage: true });
    await page.close();
  });

  it('refuses a state-changing request without the CSRF token, from the logged-in browser', async () => {
    const page = await browser.newPage();
    await page.goto(`${h.url}/messages/${failedId}`);
    const status = await page.evaluate(
      async (id) => (await fetch(`/api/messages/${id}/reprocess`, { method: 'POST' })).status,
      failedId,
    );
    expect(status).to.equal(403);
    await page.close();
  });

  it('shows raw HL7 with field names on hover, and the tester and audit pages to an admin', async () => {
    const hl7Id = await seedMessage(h.store, {
      status: 'ERROR',
      channel: 'referrals',
      ubrn: '000000070100',
    });
    const page = await browser.newPage();
    await page.goto(`${h.url}/messages/${hl7Id}`);
    const field = page.locator('pre.hl7 [data-field="PID-3"]');
    expect(await field.getAttribute('title')).to.equal('PID-3 · Patient identifier list');
    await field.hover();
    await page.screenshot({ path: join(SHOTS, 'message-hl7.png'), fullPage: true });
    await page.getByRole('button', { name: 'Log out' }).click();
    await login(page, 'admin');
    await page.getByRole('link', { name: 'Mapping tester' }).click();
    await page.getByLabel('Mapping').selectOption('mappings/ref-i12-a021.yaml');
    await page
      .getByLabel('Message')
      .fill(
        readFileSync(join(ROOT, 'samples/ref-i12-a021/input.hl7'), 'utf8').replace(/\r/g, '\n'),
      );
    await page.getByRole('button', { name: 'Test mapping' }).click();
    expect(await page.locator('section.card h2').last().innerText()).to.include('OK');
    expect(await page.locator('body').innerText()).to.include(
      '$ers.createReferralAndSendForTriage',
    );
    await page.screenshot({ path: join(SHOTS, 'tester.png'), fullPage: true });
    await page.getByRole('link', { name: 'Audit log' }).click();
    expect(await page.locator('table.list').innerText()).to.include('message.reprocess');
    await page.screenshot({ path: join(SHOTS, 'audit.png'), fullPage: true });
    await page.close();
  });

  it('does not offer a viewer the reprocess button, and refuses the viewer’s request', async () => {
    const page = await browser.newPage();
    await page.goto(`${h.url}/login`);
    await page.context().clearCookies();
    await login(page, 'viewer');
    await page.goto(`${h.url}/messages/${failedId}`);
    expect(await page.getByRole('button', { name: 'Reprocess' }).count()).to.equal(0);
    const csrf = await page.evaluate(
      async () => ((await (await fetch('/api/session')).json()) as { csrfToken: string }).csrfToken,
    );
    const status = await page.evaluate(
      async ({ id, token }) =>
        (
          await fetch(`/api/messages/${id}/reprocess`, {
            method: 'POST',
            headers: { 'x-csrf-token': token },
          })
        ).status,
      { id: failedId, token: csrf },
    );
    expect(status).to.equal(403);
    await page.close();
  });
});
