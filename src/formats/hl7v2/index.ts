// HL7 v2 codec: parse (lazy, charset-aware), paths, build, escape, batches and ACK/NAK.
export {
  DEFAULT_DELIMITERS,
  encodingCharacters,
  readDelimiters,
  type Hl7Delimiters,
} from './delimiters.js';
export { escapeHl7, unescapeHl7 } from './escape.js';
export { CharsetDefault, encodeText, encodingForCharset } from './charset.js';
export { HL7_NULL, Hl7Message, Hl7Segment, parseHl7, type Hl7ParseOptions } from './message.js';
export {
  compileHl7Path,
  Hl7PathSyntaxError,
  parseHl7PathSpec,
  type Hl7Path,
  type Hl7PathMatch,
  type Hl7PathSpec,
  type Hl7RepetitionFilter,
} from './path.js';
export { listPopulatedFields, listReadFields, listUnreadFields } from './fields.js';
