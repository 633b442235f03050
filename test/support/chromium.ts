/**
 * A real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) with a
 * throw-away profile: the launch every browser test shares.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

export function chromiumMissing(): boolean {
  return !existsSync(CHROMIUM);
}

/** In a suite's `before` hook: skips the suite, saying why, when Chromium is not installed. */
export function skipWithoutChromium(hook: Mocha.Context): void {
  if (!chromiumMissing()) return;
  console.log(`    skipped: ${CHROMIUM} is not installed (apt-get install -y chromium)`);
  hook.skip();
}

export interface Chromium {
  readonly browser: BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

export async function launchChromium(
  viewport: { width: number; height: number } = { width: 1366, height: 900 },
): Promise<Chromium> {
  const profile = mkdtempSync(join(tmpdir(), 'ers-chromium-'));
  try {
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport,
    });
    return {
      browser,
      async close() {
        await browser.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
