import { ERROR_CATALOGUE } from './error-codes.js';

/** Pure: the Markdown page listing every error code (docs/errors.md). */
export function renderErrorDocs(): string {
  const rows = Object.entries(ERROR_CATALOGUE).map(
    ([code, d]) =>
      `| \`${code}\` | ${d.stage} | ${d.retry} | ${d.ack} | ${d.hl7ErrorCode} | ${d.httpStatus} | ${d.summary.replace(/\|/g, '\\|')} |`,
  );
  return [
    '# Error codes',
    '',
    'Every error ers-bridge raises carries one of these codes (generated from',
    '`src/core/error-codes.ts` by `npm run docs:errors`; a test keeps them in step).',
    '',
    '- **retry**: `transient` errors are retried with backoff (QUEUED, then DEAD); `ambiguous` ones',
    '  may have taken effect and go to NEEDS_REVIEW; `permanent` ones go to ERROR.',
    '- **ACK**: the HL7 MSA-1 code a sender gets in an application ACK; **0357**: the HL7 table 0357',
    '  code in ERR-3; **HTTP**: the status of the admin API or HTTP source.',
    '',
    '| code | stage | retry | ACK | 0357 | HTTP | meaning |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
