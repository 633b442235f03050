import cliProgress from 'cli-progress';
// cli: what commands print — tables that fit the terminal, local times, masked identifiers, who ran it.
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { DateTime } from 'luxon';

/** Times are shown as a person in the Trust reads them: UK local time (GMT/BST). */
export const DISPLAY_ZONE = 'Europe/London';

/** The package version, read from package.json (two folders up from src/cli and dist/cli). */
export function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  const version = (JSON.parse(text) as { version?: unknown }).version;
  return typeof version === 'string' ? version : '0.0.0';
}

/** The audit actor of a CLI action: the operating-system user who ran the command. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    // userInfo() throws when the uid has no passwd entry (some containers): fall back to $USER.
    return `cli:${process.env['USER'] ?? process.env['USERNAME'] ?? `uid-${process.getuid?.() ?? '?'}`}`;
  }
}

/** Columns to fit: the terminal's width, or 100 when stdout is a pipe or file. */
export function terminalWidth(
  stream: { isTTY?: boolean; columns?: number } = process.stdout,
): number {
  return stream.isTTY === true && typeof stream.columns === 'number' && stream.columns > 20
    ? stream.columns
    : 100;
}

/**
 * A reader that goes away early (`… | head -1`) closes the pipe; the next write fails with EPIPE.
 * That is the reader's choice, not an error: end quietly with status 0.
 */
export function exitQuietlyOnEpipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

/** `2026-12-06 11:34:17` in UK local time. */
export function localTime(epochMs: number): string {
  return DateTime.fromMillis(epochMs, { zone: DISPLAY_ZONE }).toFormat('yyyy-LL-dd HH:mm:ss');
}

/** `2026-12-06 11:34:17 GMT` — with the zone, for detail views. */
export function localTimeWithZone(epochMs: number): string {
  return DateTime.fromMillis(epochMs, { zone: DISPLAY_ZONE }).toFormat('yyyy-LL-dd HH:mm:ss ZZZZ');
}

/**
 * Hides NHS numbers (10 digits, optionally spaced 3-3-4) but their last three digits. UBRNs
 * (12 digits) and other longer numbers are left alone.
 */
export function maskPhi(text: string): string {
  return text.replace(
    /(?<!\d)\d{3} ?\d{3} ?\d(\d{3})(?!\d)/g,
    (_all, last: string) => `*******${last}`,
  );
}

export interface Column {
  readonly header: string;
  /** May be cut (with …) to fit the width, lower numbers first; columns without (ids, times,
   * statuses) never are. */
  readonly shrink?: 1 | 2;
  readonly align?: 'left' | 'right';
}

const MIN_SHRUNK = 5;
const GAP = '  ';

/** Widths that fit `width`: shrinkable columns give up space, widest first. */
export function fitWidths(
  columns: readonly Column[],
  rows: readonly string[][],
  width: number,
): number[] {
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const total = (): number => widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1);
  while (total() > width) {
    let widest = -1;
    for (let i = 0; i < columns.length; i++) {
      const rank = columns[i]?.shrink;
      if (rank === undefined || (widths[i] ?? 0) <= MIN_SHRUNK) continue;
      const best = widest === -1 ? undefined : columns[widest]?.shrink;
      if (
        best === undefined ||
        rank < best ||
        (rank === best && (widths[i] ?? 0) > (widths[widest] ?? 0))
      )
        widest = i;
    }
    if (widest === -1) break; // nothing left to give: the line wraps rather than lose ids
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  return widths;
}

function cell(text: string, width: number, align: 'left' | 'right'): string {
  const cut = text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
  return align === 'right' ? cut.padStart(width) : cut.padEnd(width);
}

/** A header row and one line per row, each at most `width` characters when it can be. */
export function renderTable(
  columns: readonly Column[],
  rows: readonly string[][],
  width: number,
): string[] {
  const widths = fitWidths(columns, rows, width);
  const line = (values: readonly string[]): string =>
    columns
      .map((c, i) => cell(values[i] ?? '', widths[i] ?? 0, c.align ?? 'left'))
      .join(GAP)
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)];
}

/** A bar on a terminal (stderr, so stdout stays the report); cli-progress draws nothing on a pipe. */
export function progressBar(label: string, total: number): { tick(): void; end(): void } {
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {value}/{total} {percentage}% | ETA {eta}s`,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    tick: () => {
      bar.increment();
    },
    end: () => {
      bar.stop();
    },
  };
}
