import type { Hl7Delimiters } from './delimiters.js';
import { unescapeHl7 } from './escape.js';
import { HL7_NULL, type Hl7Message, type Hl7Segment } from './message.js';
import { parseHl7PathSpec, type Hl7PathSpec, type Hl7RepetitionFilter } from './path-syntax.js';

export { Hl7PathSyntaxError, parseHl7PathSpec } from './path-syntax.js';
export type { Hl7PathSpec, Hl7RepetitionFilter } from './path-syntax.js';

/** One value a path found, with where it was (`PID-3[2].1`) for error messages. */
export interface Hl7PathMatch {
  /** Decoded leaf, or the still-encoded text of a composite the path stopped above. */
  readonly value: string;
  /** True for HL7 null (`""`): the sender asks for the value to be deleted. */
  readonly isNull: boolean;
  readonly location: string;
}

export interface Hl7Path {
  readonly source: string;
  readonly spec: Hl7PathSpec;
  /** Every non-empty, non-null match, decoded. */
  values(msg: Hl7Message): string[];
  /** The first non-empty, non-null match. */
  first(msg: Hl7Message): string | undefined;
  /** Every match including HL7 nulls, with locations. */
  matches(msg: Hl7Message): Hl7PathMatch[];
  /** True when the first match is HL7 null (`""`). */
  isNull(msg: Hl7Message): boolean;
}

/**
 * Compiles a path once (throws Hl7PathSyntaxError with a `column`) for use on many messages.
 * Without an index a path means the first segment / first repetition (as HAPI's Terser); `[*]`
 * means all. A path that stops above a composite value returns its encoded text (`MSH-9` →
 * `REF^I12`); leaves are escape-decoded.
 */
export function compileHl7Path(expr: string): Hl7Path {
  const spec = parseHl7PathSpec(expr);
  const readKeys = readKeysOf(spec);
  const visit = (msg: Hl7Message, onMatch: OnMatch): void => {
    for (const k of readKeys) msg.reads.add(k);
    visitMatches(msg, spec, onMatch);
  };
  return {
    source: expr,
    spec,
    matches(msg) {
      const out: Hl7PathMatch[] = [];
      visit(msg, (value, isNull, seg, rep) => {
        out.push({ value, isNull, location: locationOf(spec, seg, rep) });
        return false;
      });
      return out;
    },
    // values, first and isNull run per message on hot paths (MLLP facts, mappings): they build
    // no location strings and stop at the first match they need.
    values(msg) {
      const out: string[] = [];
      visit(msg, (value, isNull) => {
        if (!isNull) out.push(value);
        return false;
      });
      return out;
    },
    first(msg) {
      let found: string | undefined;
      visit(msg, (value, isNull) => {
        if (isNull) return false;
        found = value;
        return true;
      });
      return found;
    },
    isNull(msg) {
      let isFirstNull = false;
      visit(msg, (_value, isNull) => {
        isFirstNull = isNull;
        return true;
      });
      return isFirstNull;
    },
  };
}

/** Called per match in message order; returning true stops the walk. */
type OnMatch = (value: string, isNull: boolean, seg: Hl7Segment, rep: number) => boolean;

function readKeysOf(spec: Hl7PathSpec): string[] {
  if (spec.field === undefined) return [];
  const base = `${spec.segment}-${spec.field}`;
  const keys = [
    base +
      (spec.component === undefined ? '' : `.${spec.component}`) +
      (spec.subcomponent === undefined ? '' : `.${spec.subcomponent}`),
  ];
  const r = spec.repetition;
  if (typeof r === 'object')
    keys.push(
      `${base}.${r.component}` + (r.subcomponent === undefined ? '' : `.${r.subcomponent}`),
    );
  return keys;
}

function selectSegments(msg: Hl7Message, spec: Hl7PathSpec): readonly Hl7Segment[] {
  if (spec.occurrence === '*') return msg.all(spec.segment);
  const s = msg.segment(spec.segment, spec.occurrence);
  return s === undefined ? [] : [s];
}

/** Splits without allocating when the delimiter is absent. */
function part(text: string, sep: string, n: number): string {
  if (n === 1) {
    const i = text.indexOf(sep);
    return i === -1 ? text : text.slice(0, i);
  }
  return text.split(sep)[n - 1] ?? '';
}

function leafOf(
  rep: string,
  d: Hl7Delimiters,
  component?: number,
  sub?: number,
): { text: string; composite: boolean } {
  if (component === undefined)
    return { text: rep, composite: rep.includes(d.component) || rep.includes(d.subcomponent) };
  const comp = part(rep, d.component, component);
  if (sub === undefined) return { text: comp, composite: comp.includes(d.subcomponent) };
  return { text: part(comp, d.subcomponent, sub), composite: false };
}

function matchesFilter(
  rep: string,
  f: Hl7RepetitionFilter,
  d: Hl7Delimiters,
  enc: string,
): boolean {
  const { text } = leafOf(rep, d, f.component, f.subcomponent ?? 1);
  return unescapeHl7(text, d, enc) === f.value;
}

function locationOf(spec: Hl7PathSpec, seg: Hl7Segment, rep: number): string {
  if (spec.field === undefined) return seg.name;
  const occ = seg.occurrence > 1 ? `[${seg.occurrence}]` : '';
  const r = rep > 1 ? `[${rep}]` : '';
  const c = spec.component === undefined ? '' : `.${spec.component}`;
  const s = spec.subcomponent === undefined ? '' : `.${spec.subcomponent}`;
  return `${seg.name}${occ}-${spec.field}${r}${c}${s}`;
}

function visitMatches(msg: Hl7Message, spec: Hl7PathSpec, onMatch: OnMatch): void {
  const d = msg.delimiters;
  for (const seg of selectSegments(msg, spec)) {
    if (spec.field === undefined) {
      if (onMatch(seg.text, false, seg, 1)) return;
      continue;
    }
    const raw = seg.field(spec.field);
    if (raw === '') continue;
    // MSH-1 and MSH-2 hold the delimiters themselves: never split or decoded.
    if (seg.isHeader && spec.field <= 2) {
      if (spec.component === undefined || spec.component === 1)
        if (onMatch(raw, false, seg, 1)) return;
      continue;
    }
    const r = spec.repetition;
    const reps = raw.split(d.repetition);
    for (let i = 0; i < reps.length; i++) {
      const rep = reps[i] as string;
      if (typeof r === 'number' && r !== i + 1) continue;
      if (typeof r === 'object' && !matchesFilter(rep, r, d, msg.encoding)) continue;
      const leaf = leafOf(rep, d, spec.component, spec.subcomponent);
      if (leaf.text === '') continue;
      const isNull = leaf.text === HL7_NULL;
      const value = isNull
        ? ''
        : leaf.composite
          ? leaf.text
          : unescapeHl7(leaf.text, d, msg.encoding);
      if (onMatch(value, isNull, seg, i + 1)) return;
    }
  }
}
