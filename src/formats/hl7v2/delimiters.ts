/**
 * HL7 v2 encoding characters. They are read from MSH-1 and MSH-2 of each message, never assumed:
 * a sender may legally use other characters than the usual `|^~\&`.
 */
export interface Hl7Delimiters {
  readonly field: string;
  readonly component: string;
  readonly repetition: string;
  readonly escape: string;
  readonly subcomponent: string;
  /** v2.7 truncation character (MSH-2 position 5), when the sender declares one. */
  readonly truncation?: string;
}

export const DEFAULT_DELIMITERS: Hl7Delimiters = {
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
};

/** MSH-2 as written for a set of delimiters. */
export function encodingCharacters(d: Hl7Delimiters): string {
  return d.component + d.repetition + d.escape + d.subcomponent + (d.truncation ?? '');
}

/**
 * Reads the delimiters from the text of an MSH, FHS or BHS segment header. Returns an error
 * message (not a throw) so callers can attach their own location.
 */
export function readDelimiters(header: string): Hl7Delimiters | string {
  const field = header.charAt(3);
  if (field === '' || /[A-Za-z0-9\r\n]/.test(field)) {
    return 'MSH-1 (field separator) is missing or is a letter or digit';
  }
  const end = header.indexOf(field, 4);
  const enc = end === -1 ? header.slice(4) : header.slice(4, end);
  if (enc.length < 4) {
    return `MSH-2 (encoding characters) must hold at least 4 characters, found ${enc.length}`;
  }
  const [component, repetition, escape, subcomponent, truncation] = enc.split('') as (
    string | undefined
  )[];
  const chars = [field, component, repetition, escape, subcomponent];
  if (truncation !== undefined) chars.push(truncation);
  if (new Set(chars).size !== chars.length) {
    return 'MSH-1 and MSH-2 must be distinct characters';
  }
  return {
    field,
    component: component ?? '^',
    repetition: repetition ?? '~',
    escape: escape ?? '\\',
    subcomponent: subcomponent ?? '&',
    ...(truncation === undefined ? {} : { truncation }),
  };
}
