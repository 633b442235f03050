/**
 * The dashboard in a real headless Chromium in front of a real engine whose shipped
 * pas-inbound (MLLP) and csv-referrals (file drop) channels call the embedded e-RS sandbox:
 * the set-up shared by the dashboard browser tests.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../support/chromium.js';

export { CHROMIUM, chromiumMissing, skipWithoutChromium } from '../../support/chromium.js';
import { frameMllp } from '../../../src/sources/mllp/index.js';
import type { MessageStatus, MessageSummary } from '../../../src/core/store-types.js';
import { endpointPort, eventually } from '../../support/engine-harness.js';
import { copyShippedMappings } from '../../support/mapping-fixtures.js';
import { csvReferrals, pasInbound } from '../../mapping/shipped-samples.js';
import { exchange } from '../../sources/mllp/support.js';
import { PASSWORD, startAdminHarness, type AdminHarness } from './admin-harness.js';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
/** Window widths the layout must fit (issue 19): a common laptop and a full-HD monitor. */
export const WIDTHS = [1366, 1920] as const;

/**
 * `ERS_BRIDGE_SCREENSHOTS=1` writes the README's screenshots to docs/images/; otherwise they go
 * to a temp folder, so a test run does not change tracked files.
 */
export function screenshotDir(): { dir: string; cleanup: () => void } {
  if (process.env.ERS_BRIDGE_SCREENSHOTS) {
    const dir = join(ROOT, 'docs', 'images');
    mkdirSync(dir, { recursive: true });
    return { dir, cleanup: () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'ers-dashboard-shots-'));
  return {
    dir,
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const SAMPLE_HL7 = readFileSync(join(ROOT, 'samples', 'ref-i12-a021', 'input.hl7'), 'utf8');
export const CSV_HEADER =
  'nhs_number,priority,service_code,specialty_code,clinic_type,local_reference,referral_date,notes';
/** A good row, and one whose NHS number fails its check digit (MAP_INVALID_VALUE). */
export const GOOD_ROW = '9912003888,R,SVC-00123,300,CLINIC-TYPE-2,LOCREF-000457,20261125,';
export const BAD_ROW = '9912003897,R,SVC-00123,300,CLINIC-TYPE-2,LOCREF-000458,20261125,';

export interface SandboxDashboard {
  readonly h: AdminHarness;
  readonly browser: BrowserContext;
  /** Sends the shipped REF^I12 sample with this MSH-10; resolves with the application ACK. */
  sendHl7(controlId: string): Promise<string>;
  /** Drops a CSV extract on the csv-referrals share. */
  dropCsv(name: string, rows: readonly string[]): void;
  /** Drops a CSV extract and waits until the channel holds that many SENT or ERROR messages. */
  settleCsv(name: string, rows: readonly string[]): Promise<MessageSummary[]>;
  waitFor(id: number, status: MessageStatus): Promise<void>;
  login(page: Page, user: string): Promise<void>;
  /** A new page, logged in as `user` afresh (the cookies of an earlier login cleared first). */
  pageAs(user: string): Promise<Page>;
  close(): Promise<void>;
}

export async function startSandboxDashboard(): Promise<SandboxDashboard> {
  const undo: (() => Promise<void> | void)[] = [];
  try {
    const drop = mkdtempSync(join(tmpdir(), 'ers-dashboard-drop-'));
    undo.push(() => {
      rmSync(drop, { recursive: true, force: true });
      rmSync(`${drop}-out`, { recursive: true, force: true });
    });
    const h = await startAdminHarness({
      channels: { 'pas-inbound.yaml': pasInbound, 'csv-referrals.yaml': csvReferrals(drop) },
      prepare: copyShippedMappings,
      settings: { sandbox: { enabled: true, port: 0 } },
    });
    undo.push(() => h.close());
    const chromium = await launchChromium({ width: WIDTHS[0], height: 900 });
    undo.push(() => chromium.close());
    const browser = chromium.browser;
    const mllpPort = (): number =>
      endpointPort(h.engine.channels().find((c) => c.id === 'pas-inbound')?.source?.endpoint);
    const login = async (page: Page, user: string): Promise<void> => {
      await page.goto(`${h.url}/login`);
      await page.getByLabel('User name').fill(user);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`${h.url}/`);
    };
    const dropCsv = (name: string, rows: readonly string[]): void => {
      writeFileSync(join(drop, name), [CSV_HEADER, ...rows, ''].join('\n'));
    };
    return {
      h,
      browser,
      async sendHl7(controlId) {
        // MSH-16 AL: the sender wants the application ACK, sent once e-RS answered.
        const text = SAMPLE_HL7.replace('PAS0000201', controlId).replace('|AL|NE|', '|AL|AL|');
        const { replies } = await exchange(mllpPort(), [frameMllp(text)], {
          expect: 1,
          timeoutMs: 30_000,
        });
        return replies[0] ?? '';
      },
      dropCsv,
      async settleCsv(name, rows) {
        dropCsv(name, rows);
        return eventually(async () => {
          const list = await h.store.list({ channel: 'csv-referrals' });
          const settled = list.filter((m) => m.status === 'SENT' || m.status === 'ERROR');
          return settled.length === rows.length ? settled : undefined;
        }, 30_000);
      },
      async waitFor(id, status) {
        await eventually(async () => (await h.store.get(id))?.status === status, 30_000);
      },
      login,
      async pageAs(user) {
        const page = await browser.newPage();
        await browser.clearCookies();
        await login(page, user);
        return page;
      },
      async close() {
        for (const step of undo.reverse()) await step();
      },
    };
  } catch (error) {
    for (const step of undo.reverse()) await step();
    throw error;
  }
}

/** The page's width beyond the window (0 when it fits), as a person would scroll sideways. */
export async function overflowOf(page: Page): Promise<number> {
  // A string: the test files are type-checked without the DOM library.
  return Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
}
