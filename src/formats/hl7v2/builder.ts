import { DEFAULT_DELIMITERS, encodingCharacters, type Hl7Delimiters } from './delimiters.js';
import { escapeHl7, unescapeHl7 } from './escape.js';
import { HL7_NULL, type Hl7Message } from './message.js';
import { parseHl7PathSpec } from './path-syntax.js';

/** A decoded leaf; `null` is written as HL7 null (`""`). */
export type Hl7Leaf = string | null;
/** A component: a leaf, or its sub-components. */
export type Hl7Component = Hl7Leaf | readonly Hl7Leaf[];
/** One repetition: a leaf, or its components. */
export type Hl7Repetition = Hl7Leaf | readonly Hl7Component[];
/** A field value; several repetitions are given as `{ repeat: [...] }`. */
export type Hl7FieldValue = Hl7Repetition | { readonly repeat: readonly Hl7Repetition[] };

/** reps → components → sub-components, all decoded. */
type FieldModel = Hl7Leaf[][][];
interface SegmentModel {
  name: string;
  /** Index 0 is field 1. For MSH, fields 1 and 2 come from the delimiters. */
  fields: FieldModel[];
}

const emptyField = (): FieldModel => [[['']]];

function toRepetition(value: Hl7Repetition): Hl7Leaf[][] {
  if (value === null || typeof value === 'string') return [[value]];
  return value.map((c) => (c === null || typeof c === 'string' ? [c] : [...c]));
}

function toField(value: Hl7FieldValue): FieldModel {
  if (value !== null && typeof value === 'object' && 'repeat' in value)
    return value.repeat.map(toRepetition);
  return [toRepetition(value)];
}

function decodeField(raw: string, d: Hl7Delimiters, enc: string): FieldModel {
  return raw
    .split(d.repetition)
    .map((rep) =>
      rep
        .split(d.component)
        .map((comp) =>
          comp.split(d.subcomponent).map((s) => (s === HL7_NULL ? null : unescapeHl7(s, d, enc))),
        ),
    );
}

/**
 * Builds HL7 v2 text with correct escaping. Values are given decoded; the builder escapes them
 * for the delimiters in force, so a name such as `Smith & Sons` can never break a message.
 * A message read with `from()` and written again is identical (standard escapes, CR separators).
 */
export class Hl7MessageBuilder {
  private readonly segments: SegmentModel[] = [];

  constructor(readonly delimiters: Hl7Delimiters = DEFAULT_DELIMITERS) {}

  static from(msg: Hl7Message): Hl7MessageBuilder {
    const b = new Hl7MessageBuilder(msg.delimiters);
    for (const seg of msg.segments) {
      const fields: FieldModel[] = [];
      for (let f = 1; f <= seg.fieldCount; f++) {
        fields.push(
          seg.isHeader && f <= 2
            ? emptyField()
            : decodeField(seg.field(f), msg.delimiters, msg.encoding),
        );
      }
      b.segments.push({ name: seg.name, fields });
    }
    return b;
  }

  /** Appends a segment; `fields` keys are field numbers (MSH-1/MSH-2 are ignored). */
  addSegment(name: string, fields: Readonly<Record<number, Hl7FieldValue>> = {}): this {
    const seg: SegmentModel = { name, fields: [] };
    this.segments.push(seg);
    for (const [n, value] of Object.entries(fields)) setField(seg, Number(n), toField(value));
    return this;
  }

  /** Appends a segment written in HL7 text with this builder's delimiters (e.g. `ZRF|1|…`). */
  addEncodedSegment(text: string): this {
    const d = this.delimiters;
    const parts = text.split(d.field);
    const name = parts[0] ?? '';
    if (!/^[A-Z][A-Z0-9]{2}$/.test(name)) throw new Error(`"${name}" is not a segment id`);
    const decoded = parts.slice(1).map((p) => decodeField(p, d, 'utf8'));
    // In MSH/FHS/BHS the first part after the name is MSH-2, and MSH-1 is the separator itself.
    const fields = isHeader(name) ? [emptyField(), emptyField(), ...decoded.slice(1)] : decoded;
    this.segments.push({ name, fields });
    return this;
  }

  /**
   * Sets one decoded value by path (`MSA-3`, `PID-3[2].1`, `OBX[2]-5`); the segment is appended
   * when absent. Paths with `[*]` or a filter are refused: a write needs one place.
   */
  set(path: string, value: Hl7Leaf): this {
    const spec = parseHl7PathSpec(path);
    if (spec.field === undefined) throw new Error(`"${path}" names no field`);
    if (spec.occurrence === '*' || typeof spec.repetition !== 'number') {
      throw new Error(`"${path}" must name a single place to write`);
    }
    const named = this.segments.filter((s) => s.name === spec.segment);
    while (named.length < spec.occurrence) {
      const seg: SegmentModel = { name: spec.segment, fields: [] };
      this.segments.push(seg);
      named.push(seg);
    }
    const seg = named[spec.occurrence - 1] as SegmentModel;
    while (seg.fields.length < spec.field) seg.fields.push(emptyField());
    const field = seg.fields[spec.field - 1] as FieldModel;
    while (field.length < spec.repetition) field.push([['']]);
    const rep = field[spec.repetition - 1] as Hl7Leaf[][];
    const c = spec.component ?? 1;
    while (rep.length < c) rep.push(['']);
    const comp = rep[c - 1] as Hl7Leaf[];
    const s = spec.subcomponent ?? 1;
    while (comp.length < s) comp.push('');
    comp[s - 1] = value;
    if (spec.component === undefined) rep.length = 1;
    if (spec.subcomponent === undefined) comp.length = 1;
    return this;
  }

  /** Segment names in order (for tests and inspection). */
  segmentNames(): string[] {
    return this.segments.map((s) => s.name);
  }

  toString(): string {
    return this.segments.map((s) => this.encodeSegment(s)).join('\r');
  }

  private encodeSegment(seg: SegmentModel): string {
    const d = this.delimiters;
    const fields = seg.fields.map((f) => this.encodeField(f));
    if (isHeader(seg.name))
      return [seg.name + d.field + encodingCharacters(d), ...fields.slice(2)].join(d.field);
    return [seg.name, ...fields].join(d.field);
  }

  private encodeField(field: FieldModel): string {
    const d = this.delimiters;
    return field
      .map((rep) =>
        rep
          .map((comp) =>
            comp.map((s) => (s === null ? HL7_NULL : escapeHl7(s, d))).join(d.subcomponent),
          )
          .join(d.component),
      )
      .join(d.repetition);
  }
}

function setField(seg: SegmentModel, n: number, value: FieldModel): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`field number ${n} is not a positive integer`);
  while (seg.fields.length < n) seg.fields.push(emptyField());
  seg.fields[n - 1] = value;
}

function isHeader(name: string): boolean {
  return name === 'MSH' || name === 'FHS' || name === 'BHS';
}
