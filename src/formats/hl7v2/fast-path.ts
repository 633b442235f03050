import { unescapeHl7 } from './escape.js';
import { HL7_NULL, type Hl7Message } from './message.js';
import type { Hl7PathSpec } from './path-syntax.js';

/**
 * Part `n` (1-based) of `text` split on `sep`, found by scanning: `split` would make an array and
 * a string for every part, and mappings read one (decision 185). Delimiters are one character.
 */
function nth(text: string, sep: string, n: number): string {
  if (sep.length !== 1 || n < 1 || !Number.isInteger(n)) return text.split(sep)[n - 1] ?? '';
  let start = 0;
  for (let k = 1; k < n; k++) {
    const at = text.indexOf(sep, start);
    if (at === -1) return '';
    start = at + 1;
  }
  const end = text.indexOf(sep, start);
  if (end === -1) return start === 0 ? text : text.slice(start);
  return text.slice(start, end);
}

/**
 * Field `n` of a segment's text, found by scanning for separators: the segment's own `field()`
 * splits the whole segment into an array, most of which a mapping never reads.
 */
function fieldText(text: string, fs: string, index: number): string {
  let start = 0;
  for (let k = 0; k < index; k++) {
    const at = text.indexOf(fs, start);
    if (at === -1) return '';
    start = at + 1;
  }
  const end = text.indexOf(fs, start);
  return end === -1 ? text.slice(start) : text.slice(start, end);
}

/**
 * The common path shapes — one segment occurrence, one repetition by number or by filter,
 * optional component and sub-component (`PID-5.1`, `ZRF-3[2].1`, `PID-3[CX.5=NH].1`) — evaluated without the general path
 * engine's per-match objects and location strings: mappings run these on every message
 * (decision 040). Same results and read keys as `compileHl7Path(expr).values` (a test holds the
 * two equal over every shipped mapping and sample); other shapes use the general engine.
 */
export function fastHl7Values(spec: Hl7PathSpec): ((msg: Hl7Message) => string[]) | undefined {
  const { segment, occurrence, repetition, field, component, subcomponent } = spec;
  if (typeof occurrence !== 'number' || repetition === '*' || field === undefined) return undefined;
  // MSH-1 and MSH-2 hold the delimiters themselves: left to the general engine.
  const header = segment === 'MSH' || segment === 'FHS' || segment === 'BHS';
  if (header && field <= 2) return undefined;
  // In MSH the field separator itself is field 1, so MSH-9 is the 8th separator-delimited part.
  const index = header ? field - 1 : field;
  const base = `${segment}-${field}`;
  const readKeys = [
    base +
      (component === undefined ? '' : `.${component}`) +
      (subcomponent === undefined ? '' : `.${subcomponent}`),
  ];
  if (typeof repetition === 'object')
    readKeys.push(
      `${base}.${repetition.component}` +
        (repetition.subcomponent === undefined ? '' : `.${repetition.subcomponent}`),
    );
  return (msg) => {
    for (const k of readKeys) msg.reads.add(k);
    const seg = msg.segment(segment, occurrence);
    if (seg === undefined) return [];
    const d = msg.delimiters;
    const raw = fieldText(seg.text, d.field, index);
    if (raw === '') return [];
    if (typeof repetition === 'number') {
      const v = leafValue(nth(raw, d.repetition, repetition), msg, component, subcomponent);
      return v === undefined ? [] : [v];
    }
    // A filter (`PID-3[CX.5=NH]`): every repetition whose filter component has that value,
    // found by scanning (split would make an array of them first; decision 185).
    const out: string[] = [];
    const sep = d.repetition;
    if (sep.length !== 1) return raw.split(sep).flatMap((rep) => filtered(rep, msg, spec) ?? []);
    for (let start = 0; ;) {
      const end = raw.indexOf(sep, start);
      const v = filtered(
        end === -1 ? (start === 0 ? raw : raw.slice(start)) : raw.slice(start, end),
        msg,
        spec,
      );
      if (v !== undefined) out.push(v);
      if (end === -1) break;
      start = end + 1;
    }
    return out;
  };
}

/** The leaf of a repetition that passes the path's filter (`[CX.5=NH]`), else undefined. */
function filtered(rep: string, msg: Hl7Message, spec: Hl7PathSpec): string | undefined {
  const { repetition, component, subcomponent } = spec;
  if (typeof repetition !== 'object') return undefined;
  const d = msg.delimiters;
  const key = nth(
    nth(rep, d.component, repetition.component),
    d.subcomponent,
    repetition.subcomponent ?? 1,
  );
  if (unescapeHl7(key, d, msg.encoding) !== repetition.value) return undefined;
  return leafValue(rep, msg, component, subcomponent);
}

/** The decoded leaf of one repetition, or undefined when empty or HL7 null. */
function leafValue(
  rep: string,
  msg: Hl7Message,
  component: number | undefined,
  subcomponent: number | undefined,
): string | undefined {
  const d = msg.delimiters;
  let text: string;
  let composite: boolean;
  if (component === undefined) {
    text = rep;
    composite = rep.includes(d.component) || rep.includes(d.subcomponent);
  } else {
    const comp = nth(rep, d.component, component);
    if (subcomponent === undefined) {
      text = comp;
      composite = comp.includes(d.subcomponent);
    } else {
      text = nth(comp, d.subcomponent, subcomponent);
      composite = false;
    }
  }
  if (text === '' || text === HL7_NULL) return undefined;
  return composite ? text : unescapeHl7(text, d, msg.encoding);
}
