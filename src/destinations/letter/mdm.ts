import { Hl7MessageBuilder, hl7Timestamp } from '../../formats/hl7v2/index.js';
import type { LetterMdmConfig } from './schema.js';

export interface LetterDocument {
  readonly pdf: Buffer;
  readonly ubrn: string;
  /** Digits only; PID-3 when known (the PAS files the letter against the patient). */
  readonly nhsNumber: string | undefined;
  /** The PDF's file name; also the unique document number (TXA-12) without `.pdf`. */
  readonly fileName: string;
  readonly controlId: string;
  readonly now: number;
}

/**
 * Pure: an MDM^T02 (original document notification and content, HL7 v2.5 ch. 9) carrying the
 * PDF in OBX-5 as ED `^AP^PDF^Base64^<data>`. Base64 uses no HL7 delimiter, and the builder
 * escapes every other value, so names with `&` or `^` cannot break the message.
 */
export function buildLetterMdm(doc: LetterDocument, config: LetterMdmConfig): string {
  const at = hl7Timestamp(doc.now);
  const documentNumber = doc.fileName.replace(/\.pdf$/i, '');
  return (
    new Hl7MessageBuilder()
      .addSegment('MSH', {
        3: config.sendingApplication,
        4: config.sendingFacility,
        5: config.receivingApplication,
        6: config.receivingFacility,
        7: at,
        9: ['MDM', 'T02', 'MDM_T02'],
        10: doc.controlId,
        11: 'P',
        12: '2.5',
        18: 'UNICODE UTF-8',
      })
      .addSegment('EVN', { 1: 'T02', 2: at })
      .addSegment(
        'PID',
        // CX: id ^ check digit ^ scheme ^ assigning authority ^ identifier type (NH = NHS number).
        doc.nhsNumber === undefined
          ? { 1: '1' }
          : { 1: '1', 3: [doc.nhsNumber, '', '', 'NHS', 'NH'] },
      )
      // PV1 is required in MDM_T02; N = not applicable (the letter is about a referral, not a visit).
      .addSegment('PV1', { 1: '1', 2: 'N' })
      .addSegment('TXA', {
        1: '1',
        2: config.documentType,
        3: 'AP',
        4: at,
        12: [documentNumber, 'ERS-BRIDGE'],
        // The referral is the order this document belongs to: its UBRN as placer order number.
        14: [doc.ubrn, 'ERS'],
        16: doc.fileName,
        17: 'AU',
        19: 'AV',
      })
      .addSegment('OBX', {
        1: '1',
        2: 'ED',
        3: [config.observation.code, config.observation.text, 'L'],
        5: ['', 'AP', 'PDF', 'Base64', doc.pdf.toString('base64')],
        11: 'F',
        14: at,
      })
      .toString()
  );
}
