import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '../core/atomic-write.js';
import type { ErsStreak } from './ers-streak.js';
import type { Incident } from './types.js';

/** What survives a restart: open incidents are not announced again, history stays. */
export interface AlertState {
  readonly open: readonly Incident[];
  readonly recent: readonly Incident[];
  readonly ers: ErsStreak;
}

export const EMPTY_STATE: AlertState = {
  open: [],
  recent: [],
  ers: { cursor: 0, streak: 0, statuses: [] },
};

export const stateFile = (dataDir: string): string => join(dataDir, 'alerts.json');

export async function readState(file: string): Promise<AlertState> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<AlertState>;
    return {
      open: Array.isArray(parsed.open) ? parsed.open : [],
      recent: Array.isArray(parsed.recent) ? parsed.recent : [],
      ers: parsed.ers ?? EMPTY_STATE.ers,
    };
  } catch {
    return EMPTY_STATE;
  }
}

/** Written atomically, so a crash never leaves half a file. */
export async function writeState(file: string, state: AlertState): Promise<void> {
  await writeFileAtomically(file, JSON.stringify(state));
}
