import { parseHl7 } from '../../formats/hl7v2/index.js';
import { fieldName } from './hl7-field-names.js';

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
        name: fieldName(seg.name, n),
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
