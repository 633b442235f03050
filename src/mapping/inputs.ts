import {
  compileHl7Path,
  fastHl7Values,
  Hl7PathSyntaxError,
  parseHl7,
  type Hl7Message,
} from '../formats/hl7v2/index.js';
import { EngineError } from '../core/errors.js';
import { parseXml } from '../formats/xml/index.js';
import { ContentType } from '../core/content-types.js';
import { hl7PathProblem } from './hl7-types.js';

/** The kinds of message a mapping may read. `json` is the cron source's trigger message. */
export const InputKind = { hl7v2: 'hl7v2', csv: 'csv', xml: 'xml', json: 'json' } as const;
export type InputKind = (typeof InputKind)[keyof typeof InputKind];

export const CONTENT_TYPES: Readonly<Record<InputKind, ContentType>> = {
  hl7v2: ContentType.hl7v2,
  csv: ContentType.csvRow,
  xml: ContentType.xml,
  json: ContentType.json,
};

/** One parsed message plus the set of paths mappings read from it (for the unread report). */
export interface ParsedInput {
  readonly kind: InputKind;
  readonly hl7?: Hl7Message;
  /** CSV columns, XML (xml2js) tree or JSON value. */
  readonly tree?: unknown;
  readonly reads: Set<string>;
  /** The CSV row number (file-drop rows carry it), for errors that name the row. */
  readonly row?: number;
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
        const problem = hl7PathProblem(path.spec, expr);
        if (problem !== undefined) throw new PathError(problem.message, problem.column);
        const fast = fastHl7Values(path.spec);
        if (fast) return { source: expr, values: (input) => (input.hl7 ? fast(input.hl7) : []) };
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
  // HL7 is decoded by its parser (MSH-18 charset): only the other kinds need the text here.
  const text = kind === 'hl7v2' ? '' : typeof raw === 'string' ? raw : raw.toString('utf8');
  const reads = new Set<string>();
  try {
    switch (kind) {
      case 'hl7v2':
        return { kind, hl7: parseHl7(raw), reads };
      case 'csv': {
        const row = JSON.parse(text) as { row?: unknown; columns: Record<string, string> };
        return {
          kind,
          tree: row.columns,
          reads,
          ...(typeof row.row === 'number' ? { row: row.row } : {}),
        };
      }
      case 'json':
        return { kind, tree: JSON.parse(text) as unknown, reads };
      case 'xml':
        // Through formats/xml, so its DOCTYPE/entity guard runs first.
        return { kind, tree: await parseXml(text), reads };
    }
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw new EngineError('FORMAT_UNPARSEABLE', `message is not valid ${kind}`, { cause: error });
  }
}

/**
 * Populated input fields no rule read and the mapping does not `ignore`: the "nothing dropped
 * silently" report. `ignored` holds whole segments or columns (`PID`) and single fields (`OBX-1`).
 */
export function unreadFields(input: ParsedInput, ignored: ReadonlySet<string>): string[] {
  const notIgnored = (f: string): boolean =>
    !ignored.has(f) && !ignored.has(f.split(/[-./]/)[0] ?? f);
  switch (input.kind) {
    case 'hl7v2':
      return input.hl7 ? unreadHl7Fields(input.hl7, ignored) : [];
    case 'csv':
      return Object.entries(input.tree as Record<string, string>)
        .filter(([k, v]) => v !== '' && !input.reads.has(k))
        .map(([k]) => k)
        .filter(notIgnored);
    case 'xml':
    case 'json':
      return leafPaths(input.tree, input.kind === 'xml' ? '/' : '.', '')
        .filter(
          (p) =>
            ![...input.reads].some(
              (r) => p === r || p.startsWith(r + (input.kind === 'xml' ? '/' : '.')),
            ),
        )
        .filter(notIgnored);
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

/** `PID-3[CX.5=NH].1` → `PID-3`, once per distinct read key (the keys come from compiled paths). */
const fieldIdOfRead = new Map<string, string>();
function fieldIdOf(read: string): string {
  let id = fieldIdOfRead.get(read);
  if (id === undefined) {
    id = read.replace(/\[[^\]]*\]/g, '').replace(/^([A-Z0-9]{3}-\d+).*$/, '$1');
    if (fieldIdOfRead.size < 10_000) fieldIdOfRead.set(read, id);
  }
  return id;
}

/**
 * Per segment name, made once: the field ids (`PID-5`) by field number, and two marks by field
 * number that hold the number of the call that last set them (`pass`), so that a call marks the
 * fields read and the ones already reported without a Set per message (decision 185).
 */
interface SegmentFields {
  readonly ids: string[];
  readonly read: number[];
  readonly listed: number[];
}

const segmentFields = new Map<string, SegmentFields>();
let pass = 0;

function fieldsOf(segment: string): SegmentFields {
  let f = segmentFields.get(segment);
  if (f === undefined) {
    // Not capped: segment ids are three of [A-Z0-9] (SEGMENT_ID in the parser), so at most
    // 33,696 names, and the marks must outlive the call that set them.
    segmentFields.set(segment, (f = { ids: [], read: [], listed: [] }));
  }
  return f;
}

/** A field id as unreadHl7Fields names fields (`PID-5`); other read keys match no field. */
const FIELD_ID = /^([A-Z][A-Z0-9]{2})-([1-9]\d*)$/;

/** The field a read key marks (segment state and field number), once per distinct key. */
const fieldOfRead = new Map<string, { segment: string; field: number } | null>();
function readField(read: string): { segment: string; field: number } | null {
  let at = fieldOfRead.get(read);
  if (at === undefined) {
    const m = FIELD_ID.exec(fieldIdOf(read));
    at = m ? { segment: m[1] as string, field: Number(m[2]) } : null;
    if (fieldOfRead.size < 10_000) fieldOfRead.set(read, at);
  }
  return at;
}

/**
 * Unread HL7 fields, one entry per field (`PID-5`, not `PID-5.1`…): a field of which a rule read
 * any part counts as read, so the warning list names what a person should look at. Runs on every
 * message (decision 040), so it skips ignored segments whole, finds populated fields by scanning
 * the segment text without splitting it, and marks reads by field number (decision 185).
 */
function unreadHl7Fields(msg: Hl7Message, ignored: ReadonlySet<string>): string[] {
  const mark = ++pass;
  for (const r of msg.reads) {
    const at = readField(r);
    if (at !== null) fieldsOf(at.segment).read[at.field] = mark;
  }
  const fs = msg.delimiters.field;
  const out: string[] = [];
  let last = '';
  let fields: SegmentFields | undefined;
  for (const seg of msg.segments) {
    if (seg.isHeader || ignored.has(seg.name)) continue;
    if (seg.name !== last || fields === undefined) fields = fieldsOf((last = seg.name));
    const text = seg.text;
    let start = seg.name.length + 1;
    for (let f = 1; start <= text.length; f++) {
      let end = text.indexOf(fs, start);
      if (end === -1) end = text.length;
      const empty = end === start || (end - start === 2 && text.startsWith('""', start));
      start = end + 1;
      // Read, or named already (a repeated segment, OBX, would name the same field twice).
      if (empty || fields.read[f] === mark || fields.listed[f] === mark) continue;
      const id = (fields.ids[f] ??= `${seg.name}-${f}`);
      if (ignored.has(id)) continue;
      fields.listed[f] = mark;
      out.push(id);
    }
  }
  return out;
}
