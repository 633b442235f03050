import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FolderFacts } from './facts.js';

/**
 * Names a drop folder holds that are not waiting files: hidden files (the lock), temp and partial
 * files, markers and error reports (the file-drop source's default ignore list, and its reports).
 */
const NOT_WAITING = /^(\.|~)|\.(tmp|part|partial|done)$|\.errors\.csv$/;

async function filesIn(dir: string): Promise<{ name: string; mtimeMs: number; ctimeMs: number }[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out = [];
  for (const name of names) {
    if (NOT_WAITING.test(name)) continue;
    const s = await stat(join(dir, name)).catch(() => undefined);
    if (s?.isFile() === true) out.push({ name, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs });
  }
  return out;
}

/**
 * Looks at a file-drop channel's folder. Stuck: a complete-looking file still in the folder, or
 * in processing/, past the limit (processing/ by ctime: the claim's rename sets it). Rejected: a
 * file moved to error/ within the window (by ctime, for the same reason).
 */
export async function folderFacts(options: {
  channel: string;
  folder: string;
  now: number;
  stuckMs: number;
  rejectedWithinMs: number;
}): Promise<FolderFacts> {
  const { folder, now } = options;
  const stuck: { name: string; ageMs: number }[] = [];
  for (const f of await filesIn(folder)) {
    const age = now - f.mtimeMs;
    if (age >= options.stuckMs) stuck.push({ name: f.name, ageMs: age });
  }
  for (const f of await filesIn(join(folder, 'processing'))) {
    const age = now - f.ctimeMs;
    if (age >= options.stuckMs) stuck.push({ name: f.name, ageMs: age });
  }
  const rejected = (await filesIn(join(folder, 'error')))
    .filter((f) => now - f.ctimeMs <= options.rejectedWithinMs)
    .map((f) => ({ name: f.name, at: f.ctimeMs }));
  return { channel: options.channel, stuck, rejected };
}

/** The folder of a running file-drop source, from its status endpoint (`folder <path>`). */
export function dropFolderOf(endpoint: string | undefined): string | undefined {
  const m = /^folder (.+)$/.exec(endpoint ?? '');
  return m?.[1];
}
