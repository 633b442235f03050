/**
 * Issue 19, the dashboard that reads well: Facts with UBRN, masked patient and source row, the
 * audit log's filter and paging, and a layout that fits 1,366 and 1,920 px windows on every
 * page; in a real headless Chromium against a real engine calling the embedded e-RS sandbox.
 * `ERS_BRIDGE_SCREENSHOTS=1` writes the README's screenshots to docs/images/.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  BAD_ROW,
  GOOD_ROW,
  WIDTHS,
  overflowOf,
  screenshotDir,
  skipWithoutChromium,
  startSandboxDashboard,
  type SandboxDashboard,
} from './support/browser.js';

describe('dashboard reads well at every width (Chromium, real engine, embedded sandbox)', function () {
  this.timeout(180_000);
  let d: SandboxDashboard;
  let shots: ReturnType<typeof screenshotDir>;
  let hl7Id: number;
  let csvId: number;
  let badId: number;

  before(async function () {
    skipWithoutChromium(this);
    d = await startSandboxDashboard();
    cleanups.push(() => d.close());
    shots = screenshotDir();
    cleanups.push(() => {
      shots.cleanup();
    });
    await d.sendHl7('LAYOUT-0001');
    hl7Id = (await d.h.store.list({ channel: 'pas-inbound' }))[0]!.id;
    await d.waitFor(hl7Id, 'SENT');
    const rows = await d.settleCsv('referrals-2026-12-06.csv', [GOOD_ROW, BAD_ROW]);
    csvId = rows.find((m) => m.status === 'SENT')!.id;
    badId = rows.find((m) => m.status === 'ERROR')!.id;
  });

  /** Only what before() started is undone (nothing when Chromium is missing). */
  const cleanups: (() => Promise<void> | void)[] = [];
  after(async () => {
    for (const undo of cleanups.reverse()) await undo();
  });

  const as = (user: string): Promise<Page> => d.pageAs(user);

  it('shows the UBRN e-RS created and the patient masked on an HL7 message, under MSH-10', async () => {
    const stored = await d.h.store.get(hl7Id);
    const ubrn = (stored?.destinationResults['ers'] as { output: { ubrn: string } }).output.ubrn;
    expect(ubrn).to.match(/^\d{12}$/);
    const page = await as('operator');
    await page.goto(`${d.h.url}/messages/${hl7Id}`);
    const facts = page.locator('dl.facts');
    expect(await facts.locator('dd.ubrn').innerText()).to.equal(ubrn);
    // PID-3 9912003888 (NHS), PID-5 Smith^Jane^Anne.
    expect(await facts.locator('dd.patient').innerText()).to.equal('NHS ••• ••• 3888 · J. A. S.');
    const text = await facts.innerText();
    expect(text).not.to.include('9912003888');
    expect(text).not.to.include('Smith');
    expect(text).to.match(/MSH-10\s+LAYOUT-0001/);
    await page.close();
  });

  it('shows a CSV row’s source file and row, its NHS number masked, and does not call its id MSH-10', async () => {
    const stored = await d.h.store.get(csvId);
    const page = await as('operator');
    await page.goto(`${d.h.url}/messages/${csvId}`);
    const text = await page.locator('dl.facts').innerText();
    expect(text).to.match(
      new RegExp(
        `Source file\\s+referrals-2026-12-06\\.csv · row ${String(stored?.sourceMeta['row'])}`,
      ),
    );
    expect(text).to.include('NHS ••• ••• 3888');
    expect(text).to.include('Row id (file hash:row)');
    expect(text).not.to.include('MSH-10');
    expect(await page.locator('dd.ubrn').innerText()).to.match(/^\d{12}$/);
    await page.close();
  });

  it('filters the audit log by who, action and date, and pages through it without repeats', async () => {
    const now = Date.now();
    for (let i = 0; i < 60; i++)
      await d.h.store.appendAudit({
        at: now,
        actor: 'user:pager',
        action: 'test.page',
        target: `row:${i}`,
        detail: {},
      });
    const page = await as('admin');
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Who').fill('pager');
    await page.getByLabel('Action').fill('test.');
    await page.getByRole('button', { name: 'Filter' }).click();
    const targets = () => page.locator('table.audit tbody tr td:nth-child(4)').allInnerTexts();
    const first = await targets();
    expect(first).to.have.length(50);
    await page.getByRole('link', { name: 'Older →' }).click();
    const second = await targets();
    expect(second).to.have.length(10);
    expect(new Set([...first, ...second]).size).to.equal(60);
    expect(await page.getByRole('link', { name: 'Older →' }).count()).to.equal(0);
    await page.getByRole('link', { name: 'Clear' }).click();
    await page.getByLabel('Action').fill('message.view');
    await page.getByRole('button', { name: 'Filter' }).click();
    const actions = await page.locator('table.audit tbody tr td:nth-child(3)').allInnerTexts();
    expect(actions.length).to.be.greaterThan(0);
    expect(new Set(actions)).to.deep.equal(new Set(['message.view']));
    await page.getByLabel('To (inclusive)').fill('2020-01-01');
    await page.getByRole('button', { name: 'Filter' }).click();
    expect(await page.locator('main').innerText()).to.include('No audit entry matches.');
    await page.close();
  });

  it('fits every page in a 1,366 px and a 1,920 px window: long bodies and tables wrap or scroll in their box', async () => {
    const page = await as('admin');
    const pages = [
      '/',
      '/messages',
      `/messages/${hl7Id}`,
      `/messages/${csvId}`,
      `/messages/${badId}`,
      `/messages/${badId}/edit`,
      '/audit',
      '/tester',
      '/mappings',
      '/mappings/ref-i12-a021',
      '/alerts',
    ];
    const wide: string[] = [];
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      for (const path of pages) {
        await page.goto(`${d.h.url}${path}`);
        const over = await overflowOf(page);
        if (over > 0) wide.push(`${path} at ${width}px: ${over}px too wide`);
      }
    }
    expect(wide).to.deep.equal([]);
    await page.close();
  });

  it('takes the README screenshots (docs/images with ERS_BRIDGE_SCREENSHOTS=1)', async () => {
    const page = await as('admin');
    await page.setViewportSize({ width: WIDTHS[0], height: 900 });
    // The window as a person sees it (a full page of a message is ~4,800 px tall).
    const shot = (name: string) => page.screenshot({ path: join(shots.dir, name) });
    await shot('channels.png');
    await page.goto(`${d.h.url}/messages`);
    await page.getByLabel(`Select message ${badId}`).check();
    await shot('messages.png');
    await page.goto(`${d.h.url}/messages/${hl7Id}`);
    await shot('message.png');
    await page.goto(`${d.h.url}/messages/${badId}`);
    await shot('message-csv-error.png');
    await page.goto(`${d.h.url}/audit`);
    await shot('audit.png');
    await page.goto(`${d.h.url}/`);
    await page.getByRole('button', { name: 'Stop' }).first().click();
    await page.getByRole('dialog').waitFor();
    await shot('confirm-stop.png');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.close();
  });
});
