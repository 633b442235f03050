/**
 * The catalogue of every error the engine can raise. Each code carries the pipeline stage that
 * raises it, how the engine treats it (retry class), the HL7 acknowledgement code a sender gets
 * for it and the HTTP status the admin API / inbound HTTP answers with. `docs/errors.md` is
 * generated from this table (`npm run docs:errors`) and a test keeps the two in step.
 *
 * Retry classes (see DESIGN.md invariant 2):
 * - transient: surely not applied; retried with backoff (QUEUED, then DEAD when exhausted)
 * - ambiguous: may have been applied; never retried blindly (NEEDS_REVIEW)
 * - permanent: bad input, bad mapping or a refusal; not retried (ERROR)
 */
export const RetryClass = {
  transient: 'transient',
  ambiguous: 'ambiguous',
  permanent: 'permanent',
} as const;
export type RetryClass = (typeof RetryClass)[keyof typeof RetryClass];

export const Stage = {
  config: 'config',
  source: 'source',
  format: 'format',
  mapping: 'mapping',
  ers: 'ers',
  sandbox: 'sandbox',
  letters: 'letters',
  store: 'store',
  engine: 'engine',
  destination: 'destination',
  admin: 'admin',
} as const;
export type Stage = (typeof Stage)[keyof typeof Stage];

export interface ErrorDefinition {
  readonly stage: Stage;
  readonly retry: RetryClass;
  /** HL7 MSA-1 for an application ACK answering this error (AE: error, AR: reject). */
  readonly ack: 'AE' | 'AR';
  /** HL7 table 0357 message error condition code used in ERR-3. */
  readonly hl7ErrorCode: string;
  readonly httpStatus: number;
  readonly summary: string;
}

const def = (d: ErrorDefinition): ErrorDefinition => d;

export const ERROR_CATALOGUE = {
  // config
  CONFIG_INVALID: def({
    stage: 'config',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 400,
    summary: 'A settings or channel file failed validation.',
  }),
  CONFIG_FILE_UNREADABLE: def({
    stage: 'config',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 500,
    summary: 'A configuration file could not be read or parsed as YAML.',
  }),
  CONFIG_ENV_MISSING: def({
    stage: 'config',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 500,
    summary: 'A ${VAR} reference names an environment variable that is not set and has no default.',
  }),
  CONFIG_UNKNOWN_PLUGIN: def({
    stage: 'config',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 400,
    summary: 'A channel names a source, transformer or destination type that is not installed.',
  }),
  CONFIG_DUPLICATE_CHANNEL: def({
    stage: 'config',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 400,
    summary: 'Two channel files declare the same channel id.',
  }),

  // source
  SOURCE_MESSAGE_TOO_LARGE: def({
    stage: 'source',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '100',
    httpStatus: 413,
    summary: 'The inbound message is larger than the configured maximum.',
  }),
  SOURCE_BAD_REQUEST: def({
    stage: 'source',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '100',
    httpStatus: 400,
    summary: 'The inbound request could not be accepted as a message.',
  }),
  SOURCE_FRAME_TIMEOUT: def({
    stage: 'source',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '100',
    httpStatus: 408,
    summary:
      'An MLLP frame did not end (FS CR) within frameTimeoutMs, or its connection closed first; what arrived is kept as ERROR.',
  }),
  SOURCE_PORT_IN_USE: def({
    stage: 'source',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 500,
    summary:
      "A listener's port is taken (or its host is not this machine's): change the channel's source.port / source.host.",
  }),
  SOURCE_UNAUTHORIZED: def({
    stage: 'source',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 401,
    summary: 'The inbound request did not carry the credentials the source requires.',
  }),
  SOURCE_PATH_REFUSED: def({
    stage: 'source',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 400,
    summary: 'A dropped file was refused: outside the folder, a link, a device or too large.',
  }),
  SOURCE_FOLDER_LOCKED: def({
    stage: 'source',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 409,
    summary: 'Another engine already watches this drop folder; this channel is not started.',
  }),

  // format
  FORMAT_UNPARSEABLE: def({
    stage: 'format',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '100',
    httpStatus: 400,
    summary: 'The message could not be parsed in its declared format.',
  }),
  FORMAT_SEGMENT_SEQUENCE: def({
    stage: 'format',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '100',
    httpStatus: 400,
    summary: 'HL7 segment sequence error (table 0357 code 100).',
  }),
  FORMAT_REQUIRED_FIELD_MISSING: def({
    stage: 'format',
    retry: 'permanent',
    ack: 'AE',
    hl7ErrorCode: '101',
    httpStatus: 400,
    summary: 'A required field is missing (table 0357 code 101).',
  }),
  FORMAT_DATA_TYPE: def({
    stage: 'format',
    retry: 'permanent',
    ack: 'AE',
    hl7ErrorCode: '102',
    httpStatus: 400,
    summary: 'A field holds a value of the wrong data type (table 0357 code 102).',
  }),
  FORMAT_UNSUPPORTED_MESSAGE_TYPE: def({
    stage: 'format',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '200',
    httpStatus: 400,
    summary: 'The message type is not handled by this channel (table 0357 code 200).',
  }),
  FORMAT_UNSUPPORTED_VERSION: def({
    stage: 'format',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '203',
    httpStatus: 400,
    summary: 'The HL7 version id is not supported (table 0357 code 203).',
  }),
  FORMAT_UNSUPPORTED_ENCODING: def({
    stage: 'format',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '100',
    httpStatus: 400,
    summary: 'The character set (MSH-18) or file encoding is not supported.',
  }),
  FORMAT_INVALID_CHARACTERS: def({
    stage: 'format',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '102',
    httpStatus: 400,
    summary: 'The message has bytes that are invalid in its declared character set (MSH-18).',
  }),
  FORMAT_CSV_HEADER: def({
    stage: 'format',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 400,
    summary: 'A CSV file does not have the columns the channel expects.',
  }),
  FORMAT_CSV_ROW: def({
    stage: 'format',
    retry: 'permanent',
    ack: 'AE',
    hl7ErrorCode: '207',
    httpStatus: 400,
    summary: 'A CSV row could not be read (quotes, column count).',
  }),
  FORMAT_XML_FORBIDDEN: def({
    stage: 'format',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 400,
    summary: 'An XML document declares a DOCTYPE or external entity, which is refused.',
  }),

  // mapping
  MAP_COMPILE_ERROR: def({
    stage: 'mapping',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 400,
    summary: 'A mapping file failed to compile; the message names file, line and column.',
  }),
  MAP_NO_MATCHING_MAPPING: def({
    stage: 'mapping',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '200',
    httpStatus: 400,
    summary: 'No mapping of the channel applies to this message.',
  }),
  MAP_REQUIRED_FIELD_MISSING: def({
    stage: 'mapping',
    retry: 'permanent',
    ack: 'AE',
    hl7ErrorCode: '101',
    httpStatus: 400,
    summary: 'A logical input marked required has no value in the message.',
  }),
  MAP_INVALID_VALUE: def({
    stage: 'mapping',
    retry: 'permanent',
    ack: 'AE',
    hl7ErrorCode: '102',
    httpStatus: 400,
    summary: 'A value failed a transform or check (date, NHS number check digit, pattern).',
  }),
  MAP_UNMAPPED_CODE: def({
    stage: 'mapping',
    retry: 'permanent',
    ack: 'AE',
    hl7ErrorCode: '103',
    httpStatus: 400,
    summary:
      'A local code has no entry in a lookup table whose rule is "error" (table 0357 code 103).',
  }),
  MAP_EXPRESSION_FAILED: def({
    stage: 'mapping',
    retry: 'permanent',
    ack: 'AE',
    hl7ErrorCode: '207',
    httpStatus: 400,
    summary: 'A JSONata expression in a mapping failed at run time.',
  }),
  MAP_RESOLVE_FAILED: def({
    stage: 'mapping',
    retry: 'permanent',
    ack: 'AE',
    hl7ErrorCode: '207',
    httpStatus: 422,
    summary:
      'An input e-RS supplies at send time could not be resolved (no free slot fits the rule, no referral version).',
  }),
  MAP_REPLY_NEEDS_MAPPING: def({
    stage: 'mapping',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 400,
    summary:
      'A reply or chained ers destination is in a channel without a mapping transformer; the channel is refused at build time.',
  }),
  MAP_REPLAY_NO_CHANNEL: def({
    stage: 'mapping',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 400,
    summary:
      'A mapping replay was asked for a mapping no channel deploys, and named no channel to try it in.',
  }),

  // e-RS
  ERS_NO_FREE_SLOT: def({
    stage: 'ers',
    retry: 'transient',
    ack: 'AE',
    hl7ErrorCode: '207',
    httpStatus: 409,
    summary:
      'No free slot at the service fits the booking rule (A015); nothing was booked, retried later as slots free up.',
  }),
  ERS_INVALID_INPUT: def({
    stage: 'ers',
    retry: 'permanent',
    ack: 'AE',
    hl7ErrorCode: '102',
    httpStatus: 400,
    summary: 'Logical inputs failed validation before any e-RS call was made.',
  }),
  ERS_REJECTED: def({
    stage: 'ers',
    retry: 'permanent',
    ack: 'AE',
    hl7ErrorCode: '207',
    httpStatus: 422,
    summary: 'e-RS refused the request with an OperationOutcome (4xx); the eRS code is attached.',
  }),
  ERS_AUTH_FAILED: def({
    stage: 'ers',
    retry: 'transient',
    ack: 'AE',
    hl7ErrorCode: '207',
    httpStatus: 502,
    summary: 'e-RS refused our credentials or session; retried after re-authentication.',
  }),
  ERS_UNAVAILABLE: def({
    stage: 'ers',
    retry: 'transient',
    ack: 'AE',
    hl7ErrorCode: '207',
    httpStatus: 503,
    summary: 'e-RS could not be reached or answered 503/5xx before applying the request.',
  }),
  ERS_THROTTLED: def({
    stage: 'ers',
    retry: 'transient',
    ack: 'AE',
    hl7ErrorCode: '207',
    httpStatus: 429,
    summary: 'e-RS answered 429 (quota or spike arrest); retried after Retry-After.',
  }),
  ERS_CONFLICT: def({
    stage: 'ers',
    retry: 'transient',
    ack: 'AE',
    hl7ErrorCode: '207',
    httpStatus: 409,
    summary: 'Version conflict (409) or referral locked (423); re-read and retried.',
  }),
  ERS_OUTCOME_UNKNOWN: def({
    stage: 'ers',
    retry: 'ambiguous',
    ack: 'AE',
    hl7ErrorCode: '207',
    httpStatus: 504,
    summary:
      'The request was sent but no answer came (timeout or reset); it may have taken effect.',
  }),

  // letters
  LETTER_TEMPLATE_INVALID: def({
    stage: 'letters',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 400,
    summary: 'A letter template failed validation; the message names file and line.',
  }),
  LETTER_DATA_MISSING: def({
    stage: 'letters',
    retry: 'permanent',
    ack: 'AE',
    hl7ErrorCode: '101',
    httpStatus: 400,
    summary: 'A placeholder of the letter template has no value in the data.',
  }),
  LETTER_NO_UBRN: def({
    stage: 'letters',
    retry: 'permanent',
    ack: 'AE',
    hl7ErrorCode: '101',
    httpStatus: 400,
    summary:
      'A letter destination found no UBRN: no earlier destination output one and the data has none.',
  }),
  LETTER_ERS_NOT_PDF: def({
    stage: 'letters',
    retry: 'transient',
    ack: 'AE',
    hl7ErrorCode: '207',
    httpStatus: 502,
    summary: 'e-RS answered the A019 patient letter request without a PDF; retried.',
  }),

  // store
  STORE_UNAVAILABLE: def({
    stage: 'store',
    retry: 'transient',
    ack: 'AE',
    hl7ErrorCode: '207',
    httpStatus: 503,
    summary: 'The message store could not commit; nothing was acknowledged.',
  }),
  STORE_SCHEMA_TOO_NEW: def({
    stage: 'store',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 500,
    summary: 'The store was migrated by a newer ers-bridge than this one.',
  }),
  STORE_NOT_FOUND: def({
    stage: 'store',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 404,
    summary: 'No message with that id.',
  }),
  STORE_SCHEMA_OUTDATED: def({
    stage: 'store',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 500,
    summary: 'The store schema is older than this ers-bridge needs: run `ers-bridge migrate`.',
  }),
  CONTROL_ID_REUSED: def({
    stage: 'store',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '205',
    httpStatus: 409,
    summary:
      'A sender reused a control id (MSH-10) with different content and the channel refuses reuse (controlIdReuse: refuse); the message is kept as ERROR.',
  }),
  STORE_LOCKED: def({
    stage: 'store',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 500,
    summary:
      'Another ers-bridge engine already runs on this SQLite store; two would both answer senders.',
  }),
  STORE_REPROCESS_REFUSED: def({
    stage: 'store',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 409,
    summary:
      'Reprocess refused: the message is being processed, has a call in flight, or its effects succeeded (force to send again).',
  }),

  // destinations
  DEST_UNAVAILABLE: def({
    stage: 'destination',
    retry: 'transient',
    ack: 'AE',
    hl7ErrorCode: '207',
    httpStatus: 503,
    summary: 'A destination (folder, PAS endpoint) could not be reached; retried.',
  }),
  DEST_REJECTED: def({
    stage: 'destination',
    retry: 'permanent',
    ack: 'AE',
    hl7ErrorCode: '207',
    httpStatus: 502,
    summary: 'A destination refused the message (e.g. the PAS answered AR).',
  }),
  DEST_NO_ACK: def({
    stage: 'destination',
    retry: 'ambiguous',
    ack: 'AE',
    hl7ErrorCode: '207',
    httpStatus: 504,
    summary: 'A destination took the message but did not acknowledge it in time.',
  }),

  // engine
  ENGINE_UNEXPECTED: def({
    stage: 'engine',
    retry: 'permanent',
    ack: 'AE',
    hl7ErrorCode: '207',
    httpStatus: 500,
    summary: 'An unexpected internal error; the message is kept in ERROR for an operator.',
  }),
  ENGINE_INTERRUPTED_SEND: def({
    stage: 'engine',
    retry: 'ambiguous',
    ack: 'AE',
    hl7ErrorCode: '207',
    httpStatus: 500,
    summary:
      'The engine stopped while calling a destination that is not safe to repeat; the call may have taken effect.',
  }),
  ENGINE_PORT_IN_USE: def({
    stage: 'engine',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 500,
    summary:
      "The admin server's or the embedded sandbox's port is taken (or its host is not this machine's): change the setting the message names.",
  }),
  ENGINE_SHUTTING_DOWN: def({
    stage: 'engine',
    retry: 'transient',
    ack: 'AE',
    hl7ErrorCode: '207',
    httpStatus: 503,
    summary: 'The engine is stopping; the work is released for a later run.',
  }),

  // admin
  ADMIN_UNAUTHENTICATED: def({
    stage: 'admin',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 401,
    summary: 'No valid session or bearer token.',
  }),
  ADMIN_FORBIDDEN: def({
    stage: 'admin',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 403,
    summary: 'The user role does not allow this action.',
  }),
  ADMIN_CSRF: def({
    stage: 'admin',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 403,
    summary: 'A state-changing request came without a valid CSRF token.',
  }),
  ADMIN_BAD_REQUEST: def({
    stage: 'admin',
    retry: 'permanent',
    ack: 'AR',
    hl7ErrorCode: '207',
    httpStatus: 400,
    summary: 'The admin API request is malformed.',
  }),
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
