import type { LineCounter } from 'yaml';
import { isMap, isScalar, isSeq, type Document, type Node, type YAMLMap } from 'yaml';

/** One compile problem, with where it is and what to do about it. */
export interface CompileIssue {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly hint?: string;
}

/**
 * Collects every problem of one mapping file (compilation never stops at the first one, so an
 * integration engineer sees the whole list at once). Positions come from the YAML node ranges.
 */
export class IssueList {
  readonly issues: CompileIssue[] = [];
  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  /**
   * `mappings/x.yaml:14:3` for a node: where a runtime error of the rule it starts points. A file
   * in a `mappings/` folder is named from that folder (as channels name it), wherever it runs.
   */
  locate(node: Node | null | undefined): string {
    const { line, col } = this.lines.linePos(node?.range?.[0] ?? 0);
    const parts = this.file.split(/[\\/]/);
    const shown =
      parts.length >= 2 && parts[parts.length - 2] === 'mappings'
        ? `mappings/${parts[parts.length - 1] ?? ''}`
        : this.file;
    return `${shown}:${line}:${col}`;
  }

  /** `columnOffset`: where in the node's text the problem is (past an opening quote). */
  add(node: Node | null | undefined, message: string, hint?: string, columnOffset?: number): void {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(offset);
    const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
    this.issues.push({
      file: this.file,
      line,
      column: col + (columnOffset ?? 0) + (quoted && columnOffset !== undefined ? 1 : 0),
      message,
      ...(hint === undefined ? {} : { hint }),
    });
  }
}

export function formatIssue(i: CompileIssue): string {
  return `${i.file}:${i.line}:${i.column}: ${i.message}${i.hint === undefined ? '' : ` (hint: ${i.hint})`}`;
}

export function mapNode(node: unknown): YAMLMap | undefined {
  return isMap(node) ? node : undefined;
}

export function keyNode(map: YAMLMap, key: string): Node | undefined {
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  return pair?.key as Node | undefined;
}

export function valueNode(map: YAMLMap, key: string): Node | undefined {
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  return pair?.value as Node | undefined;
}

export function scalarString(node: Node | undefined): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
    ? String(v)
    : undefined;
}

/** Reports keys that are not allowed, with the nearest allowed key as a hint. */
export function checkKeys(
  map: YAMLMap,
  allowed: readonly string[],
  where: string,
  issues: IssueList,
): void {
  for (const pair of map.items) {
    const k = isScalar(pair.key) ? String(pair.key.value) : '?';
    if (allowed.includes(k)) continue;
    issues.add(
      pair.key as Node,
      `unknown key "${k}" in ${where}`,
      nearest(k, allowed) ?? `allowed: ${allowed.join(', ')}`,
    );
  }
}

function nearest(word: string, options: readonly string[]): string | undefined {
  const best = nearestWord(word, options);
  return best === undefined ? undefined : `did you mean "${best}"?`;
}

/** The option closest to `word` (at most two edits, or a prefix of it), for "did you mean" hints. */
export function nearestWord(word: string, options: readonly string[]): string | undefined {
  let best: { o: string; d: number } | undefined;
  const w = word.toLowerCase();
  for (const o of options) {
    const lower = o.toLowerCase();
    // A prefix (`TWO_WEEK` of `TWO_WEEK_WAIT`) or a shared stem (`entry`, `entries`) is close too.
    const d =
      lower.startsWith(w) && w.length >= 3
        ? 1
        : Math.min(distance(w, lower), commonPrefix(w, lower) >= 4 ? 2 : 3);
    if (d <= 2 && (best === undefined || d < best.d)) best = { o, d };
  }
  return best?.o;
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min(tmp + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}

export function seqItems(node: Node | undefined): Node[] | undefined {
  return isSeq(node) ? (node.items as Node[]) : undefined;
}

export type { Document };
