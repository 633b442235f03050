/**
 * Test-only kill points: `ERS_BRIDGE_TEST_CRASH_AT=<point>:<n>` makes the process SIGKILL itself
 * the n-th time it passes `point`, so a crash test kills the engine at the one dangerous moment
 * (a file's name durable, its messages' SENT not yet written) instead of at a random time it
 * cannot tell apart (decision 215). Unset, as everywhere but those tests, it costs a string
 * comparison per file.
 */
export const CrashPoint = {
  /** A batch file is linked under its final name and the folder fsynced. */
  batchFileNamed: 'batch-file-named',
  /** A one-file-per-message file is renamed to its name and the folder fsynced. */
  fileNamed: 'file-named',
} as const;
export type CrashPoint = (typeof CrashPoint)[keyof typeof CrashPoint];

const wanted = /^([a-z-]+):(\d+)$/.exec(process.env['ERS_BRIDGE_TEST_CRASH_AT'] ?? '');
let passes = 0;

/** Kills this process (SIGKILL: no handler, no flush) at the configured pass of `point`. */
export function crashPoint(point: CrashPoint): void {
  if (wanted?.[1] !== point) return;
  passes++;
  if (passes === Number(wanted[2])) process.kill(process.pid, 'SIGKILL');
}
