import { fieldName, parseHl7 } from '../../formats/hl7v2/index.js';

/** One field as the dashboard shows it: position, name, text as written, and its parts. */
export interface FieldView {
  readonly position: string;
  readonly name: string | undefined;
  readonly text: string;
  /** Repetitions, each a list of components (sub-components left joined as written). */
  readonly repetitions: readonly (readonly string[])[];
}

export interface SegmentView {
  readonly name: string;
  readonly fields: readonly FieldView[];
}

/**
 * Splits an HL7 message for display: the raw view with names on hover and the parsed tree.
 * Undefined when the body is not HL7 (a CSV row, XML, JSON): the caller shows it as text.
 */
export function hl7View(raw: Buffer): SegmentView[] | undefined {
  let message;
  try {
    message = parseHl7(raw);
  } catch {
    return undefined;
  }
  const d = message.delimiters;
  return message.segments.map((seg) => {
    const fields: FieldView[] = [];
    for (let n = 1; n <= seg.fieldCount; n++) {
      const text = seg.field(n);
      const structural = seg.isHeader && n <= 2;
      fields.push({
        position: `${seg.name}-${n}`,
        name: hoverName(seg.name, n),
        text,
        repetitions:
          structural || text === ''
            ? [[text]]
            : text.split(d.repetition).map((r) => r.split(d.component)),
      });
    }
    return { name: seg.name, fields };
  });
}

/**
 * Pure: a field's name as the dashboard shows it, in sentence case ("Message control ID") from
 * the one dictionary's title case ("Message Control ID"); acronyms (ID, HL7, SSN) stay.
 */
export function hoverName(segment: string, field: number): string | undefined {
  const name = fieldName(segment, field);
  if (name === undefined) return undefined;
  const lowered = name.replace(/[A-Za-z][A-Za-z0-9]*/g, (word) =>
    word.length > 1 && /^[A-Z0-9]+$/.test(word) ? word : word.toLowerCase(),
  );
  return lowered.charAt(0).toUpperCase() + lowered.slice(1);
}
