import { parseStringPromise } from 'xml2js';
import {
  compileHl7Path,
  Hl7PathSyntaxError,
  parseHl7,
  type Hl7Message,
} from '../formats/hl7v2/index.js';
import { EngineError } from '../engine/errors.js';

/** The kinds of message a mapping may read. `json` is the cron source's trigger message. */
export const InputKind = { hl7v2: 'hl7v2', csv: 'csv', xml: 'xml', json: 'json' } as const;
export type InputKind = (typeof InputKind)[keyof typeof InputKind];

export const CONTENT_TYPES: Readonly<Record<InputKind, string>> = {
  hl7v2: 'application/hl7-v2',
  csv: 'application/x-csv-row+json',
  xml: 'application/xml',
  json: 'application/json',
};

/** One parsed message plus the set of paths mappings read from it (for the unread report). */
export interface ParsedInput {
  readonly kind: InputKind;
  readonly hl7?: Hl7Message;
  /** CSV columns, XML (xml2js) tree or JSON value. */
  readonly tree?: unknown;
  readonly reads: Set<string>;
}

/** A path compiled once, evaluated on many messages. */
export interface InputAccessor {
  readonly source: string;
  values(input: ParsedInput): string[];
}

/** Thrown by `compileAccessor` for a bad path; `column` is 1-based within the expression. */
export class PathError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

export function compileAccessor(kind: InputKind, expr: string): InputAccessor {
  switch (kind) {
    case 'hl7v2': {
      try {
        const path = compileHl7Path(expr);
        return { source: expr, values: (input) => (input.hl7 ? path.values(input.hl7) : []) };
      } catch (error) {
        if (error instanceof Hl7PathSyntaxError) throw new PathError(error.message, error.column);
        throw error;
      }
    }
    case 'csv':
      if (expr.trim() === '') throw new PathError('empty column name', 1);
      return {
        source: expr,
        values: (input) => {
          input.reads.add(expr);
          const v = (input.tree as Record<string, string | undefined>)[expr];
          return v === undefined || v === '' ? [] : [v];
        },
      };
    case 'xml':
    case 'json':
      return treeAccessor(kind, expr);
  }
}

const SEGMENT = /^(@?[A-Za-z_][\w.-]*|\*)$/;

/** XML paths are `/`-separated element names (`@attr` for attributes); JSON paths use `.`. */
function treeAccessor(kind: 'xml' | 'json', expr: string): InputAccessor {
  const sep = kind === 'xml' ? '/' : '.';
  const parts = expr.split(sep);
  let column = 1;
  for (const p of parts) {
    if (!(kind === 'xml' ? SEGMENT.test(p) : /^[\w-]+$/.test(p)))
      throw new PathError(`bad path step "${p}"`, column);
    column += p.length + 1;
  }
  return {
    source: expr,
    values: (input) => {
      input.reads.add(expr);
      return walk(input.tree, parts, kind);
    },
  };
}

function walk(node: unknown, parts: readonly string[], kind: 'xml' | 'json'): string[] {
  let current: unknown[] = [node];
  for (const step of parts) {
    const next: unknown[] = [];
    for (const n of current) {
      if (n === null || typeof n !== 'object') continue;
      const rec = n as Record<string, unknown>;
      const v = step.startsWith('@')
        ? (rec.$ as Record<string, unknown> | undefined)?.[step.slice(1)]
        : rec[step];
      if (Array.isArray(v)) next.push(...(v as unknown[]));
      else if (v !== undefined) next.push(v);
    }
    current = next;
  }
  return current.flatMap((v) => leafText(v, kind));
}

function leafText(v: unknown, kind: 'xml' | 'json'): string[] {
  if (typeof v === 'string') return v === '' ? [] : [v];
  if (typeof v === 'number' || typeof v === 'boolean') return [String(v)];
  if (
    kind === 'xml' &&
    v !== null &&
    typeof v === 'object' &&
    typeof (v as { _?: unknown })._ === 'string'
  )
    return [(v as { _: string })._];
  return [];
}

export async function parseInput(
  kind: InputKind,
  raw: Buffer | string,
  contentType: string,
): Promise<ParsedInput> {
  if (contentType !== CONTENT_TYPES[kind])
    throw new EngineError('MAP_NO_MATCHING_MAPPING', `content type ${contentType} is not ${kind}`);
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  const reads = new Set<string>();
  try {
    switch (kind) {
      case 'hl7v2':
        return { kind, hl7: parseHl7(raw), reads };
      case 'csv':
        return {
          kind,
          tree: (JSON.parse(text) as { columns: Record<string, string> }).columns,
          reads,
        };
      case 'json':
        return { kind, tree: JSON.parse(text) as unknown, reads };
      case 'xml':
        if (/<!DOCTYPE|<!ENTITY/i.test(text))
          throw new EngineError('FORMAT_XML_FORBIDDEN', 'XML with a DOCTYPE or entity is refused');
        return { kind, tree: (await parseStringPromise(text)) as unknown, reads };
    }
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw new EngineError('FORMAT_UNPARSEABLE', `message is not valid ${kind}`, { cause: error });
  }
}

/** Populated input fields no rule read: the "nothing dropped silently" report. */
export function unreadFields(input: ParsedInput): string[] {
  switch (input.kind) {
    case 'hl7v2':
      return input.hl7 ? unreadHl7Fields(input.hl7) : [];
    case 'csv':
      return Object.entries(input.tree as Record<string, string>)
        .filter(([k, v]) => v !== '' && !input.reads.has(k))
        .map(([k]) => k);
    case 'xml':
    case 'json':
      return leafPaths(input.tree, input.kind === 'xml' ? '/' : '.', '').filter(
        (p) =>
          ![...input.reads].some(
            (r) => p === r || p.startsWith(r + (input.kind === 'xml' ? '/' : '.')),
          ),
      );
  }
}

function leafPaths(node: unknown, sep: string, prefix: string): string[] {
  if (Array.isArray(node)) return [...new Set(node.flatMap((n) => leafPaths(n, sep, prefix)))];
  if (node === null || typeof node !== 'object')
    return node === '' || prefix === '' ? [] : [prefix];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) => {
    if (k === '$' || k === '_') return typeof v === 'string' && v.trim() !== '' ? [prefix] : [];
    return leafPaths(v, sep, prefix === '' ? k : `${prefix}${sep}${k}`);
  });
}

/**
 * Unread HL7 fields, one entry per field (`PID-5`, not `PID-5.1`…): a field of which a rule read
 * any part counts as read, so the warning list names what a person should look at. Works on
 * field text only (no component split): this runs on every message (decision 040).
 */
function unreadHl7Fields(msg: Hl7Message): string[] {
  const read = new Set<string>();
  for (const r of msg.reads)
    read.add(r.replace(/\[[^\]]*\]/g, '').replace(/^([A-Z0-9]{3}-\d+).*$/, '$1'));
  const out: string[] = [];
  const seen = new Set<string>();
  for (const seg of msg.segments) {
    if (seg.isHeader) continue;
    for (let f = 1; f <= seg.fieldCount; f++) {
      const text = seg.field(f);
      if (text === '' || text === '""') continue;
      const id = `${seg.name}-${f}`;
      if (read.has(id) || seen.has(id)) continue;
      seen.add(id);
      out.push(id);
    }
  }
  return out;
}
