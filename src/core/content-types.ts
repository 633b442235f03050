/**
 * The content types a stored message may carry: sources stamp them, mappings pick their parser by
 * them. Spelled here only, so a source and the mapping that reads its messages cannot disagree.
 */
export const ContentType = {
  /** HL7 v2 (ER7), from MLLP or a file drop. */
  hl7v2: 'application/hl7-v2',
  /** One CSV row as a JSON object of column → value (file drops split a CSV file into rows). */
  csvRow: 'application/x-csv-row+json',
  xml: 'application/xml',
  /** JSON, e.g. a cron source's trigger message. */
  json: 'application/json',
} as const;
export type ContentType = (typeof ContentType)[keyof typeof ContentType];
