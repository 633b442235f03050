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
export {
  Hl7MessageBuilder,
  type Hl7Component,
  type Hl7FieldValue,
  type Hl7Leaf,
  type Hl7Repetition,
} from './builder.js';
export { splitHl7Batch, type Hl7BatchMessage, type Hl7BatchSplit } from './batch.js';
export { ErrSeverity, TABLE_0357, errSegment } from './err.js';
export {
  AckCode,
  AckCondition,
  AckLevel,
  AckMode,
  ackCodeFor,
  ackModeOf,
  ackWanted,
  buildAck,
  hl7Timestamp,
  recoverAckTarget,
  withCommitRequest,
  type AckOptions,
  type AckTarget,
} from './ack.js';
export { formatHl7Tree } from './inspect.js';
export { fastHl7Values } from './fast-path.js';
export { fieldName, FIELD_NAMES, SEGMENT_NAMES } from './field-names.js';
