import type { EngineError } from '../../core/errors.js';
import type { Hl7Delimiters } from './delimiters.js';
import { escapeHl7 } from './escape.js';
import { parseHl7PathSpec } from './path-syntax.js';

/** HL7 table 0357, message error condition codes (v2.5). */
export const TABLE_0357: Readonly<Record<string, string>> = {
  '0': 'Message accepted',
  '100': 'Segment sequence error',
  '101': 'Required field missing',
  '102': 'Data type error',
  '103': 'Table value not found',
  '104': 'Value too long',
  '200': 'Unsupported message type',
  '201': 'Unsupported event code',
  '202': 'Unsupported processing id',
  '203': 'Unsupported version id',
  '204': 'Unknown key identifier',
  '205': 'Duplicate key identifier',
  '206': 'Application record locked',
  '207': 'Application internal error',
};

/** ERR-4 severity, HL7 table 0516. */
export const ErrSeverity = { error: 'E', warning: 'W', information: 'I' } as const;
export type ErrSeverity = (typeof ErrSeverity)[keyof typeof ErrSeverity];

interface ErrorLocation {
  readonly segment: string;
  readonly parts: string[];
}

/** `PID-3[2].1` → segment PID, sequence 1, field 3, repetition 2, component 1 (ERL data type). */
function locate(at: string | undefined): ErrorLocation | undefined {
  if (at === undefined) return undefined;
  try {
    const spec = parseHl7PathSpec(at);
    const parts = [spec.segment, String(spec.occurrence === '*' ? 1 : spec.occurrence)];
    if (spec.field !== undefined) {
      parts.push(
        String(spec.field),
        String(typeof spec.repetition === 'number' ? spec.repetition : 1),
      );
      if (spec.component !== undefined) parts.push(String(spec.component));
      if (spec.subcomponent !== undefined) parts.push(String(spec.subcomponent));
    }
    return { segment: spec.segment, parts };
  } catch {
    return undefined; // not an HL7 location (e.g. "segment 3"): ERR-2 stays empty
  }
}

/**
 * One ERR segment for an error. v2.5+ receivers read ERR-2 (location), ERR-3 (table 0357 code),
 * ERR-4 (severity) and ERR-8 (user message); ERR-1 carries the same for v2.3/2.4 receivers.
 * ERR-5 names our catalogue code, which operators can look up in docs/errors.md.
 */
export function errSegment(
  error: EngineError,
  d: Hl7Delimiters,
  severity: ErrSeverity = 'E',
): string {
  const code = error.definition.hl7ErrorCode;
  const text = TABLE_0357[code] ?? '';
  const loc = locate(error.at);
  const c = d.component;
  const sub = d.subcomponent;
  const err1 =
    loc === undefined
      ? ''
      : [loc.parts[0], loc.parts[1], loc.parts[2] ?? '', [code, text, 'HL70357'].join(sub)].join(c);
  const err2 = loc === undefined ? '' : loc.parts.join(c);
  const err3 = [code, escapeHl7(text, d), 'HL70357'].join(c);
  const err5 = [error.code, '', 'ERSBRIDGE'].join(c);
  const err8 = escapeHl7(error.message, d);
  return ['ERR', err1, err2, err3, severity, err5, '', '', err8].join(d.field);
}
