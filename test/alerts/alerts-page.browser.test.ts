import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { launchChromium, skipWithoutChromium, type Chromium } from '../support/chromium.js';
import type { RunningEngine } from '../../src/main/run.js';
import { createHarness, eventually, type Harness } from '../support/engine-harness.js';
import '../support/recorder-destination.js';
import { startWebhookPeer, type WebhookPeer } from './peers.js';

const channel = (extra = ''): string =>
  [
    'id: feed',
    'source: { type: mllp, port: 0 }',
    'destinations:',
    '  - { name: out, type: test-recorder }',
    extra,
    '',
  ].join('\n');

describe('the dashboard Alerts page in a real headless Chromium', function () {
  this.timeout(120_000);
  let h: Harness | undefined;
  let running: RunningEngine;
  let webhook: WebhookPeer | undefined;
  let chromium: Chromium | undefined;
  let browser: BrowserContext;

  before(async function () {
    skipWithoutChromium(this);
    h = createHarness();
    webhook = await startWebhookPeer();
    h.writeChannel('feed.yaml', channel());
    running = await h.start(
      `alerts: { intervalMs: 600000, clearAfterChecks: 1, rules: { silence: false }, receivers: [ { type: webhook, name: ops-hook, url: "${webhook.url}" } ], delivery: { minIntervalMs: 0 } }`,
    );
    chromium = await launchChromium({ width: 1360, height: 900 });
    browser = chromium.browser;
  });

  after(async () => {
    await chromium?.close();
    await webhook?.close();
    await h?.cleanup();
  });

  it('lists a refused reload as an open incident, and as recovered after the fix and a check', async () => {
    if (h === undefined || webhook === undefined) throw new Error('not started');
    const harness = h;
    const hook = webhook;
    harness.writeChannel('feed.yaml', channel('workers: 0'));
    expect((await running.engine.reloadAll('test')).ok).to.equal(false);

    const page = await browser.newPage();
    const url = running.adminUrl ?? '';
    await page.goto(`${url}/login`);
    await page.getByLabel('User name').fill('admin');
    const password = readFileSync(join(harness.dataDir, 'initial-admin-password'), 'utf8').trim();
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${url}/`);

    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.getByRole('button', { name: 'Check now' }).click();
    await page.waitForURL(`${url}/alerts`);
    const row = page.locator('#alerts-open tr[data-rule="reloadRefused"]');
    expect(await row.getAttribute('data-subject')).to.equal('feed');
    expect(await row.innerText()).to.include('previous version kept');
    expect(await page.locator('nav a.current').innerText()).to.equal('Alerts');
    expect(await page.locator('#alert-receivers').innerText()).to.include('ops-hook');
    await eventually(() => hook.bodies.length === 1);

    harness.writeChannel('feed.yaml', channel());
    expect((await running.engine.reloadAll('test')).ok).to.equal(true);
    await page.getByRole('button', { name: 'Check now' }).click();
    await page.waitForURL(`${url}/alerts`);
    expect(await page.locator('#alerts-open-none').count()).to.equal(1);
    const recovered = page.locator('#alerts-recent tr[data-rule="reloadRefused"]');
    expect(await recovered.count()).to.equal(1);
    await page.close();
  });
});
