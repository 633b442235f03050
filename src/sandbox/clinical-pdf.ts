import { join } from 'node:path';
import { PRIORITY_DISPLAY } from '../ers/systems.js';
import { renderLetter } from '../letters/index.js';
import { ATTACHMENT_DISPLAY } from './resources.js';
import type { SandboxState } from './state.js';
import { letterDate, NOT_RECORDED, SANDBOX_LETTERHEAD, stateWords } from './letter-text.js';

const TEMPLATE = join(
  import.meta.dirname,
  '..',
  '..',
  'mappings',
  'letters',
  'clinical-information.yaml',
);

const spaced = (digits: string, pattern: RegExp, groups: string): string =>
  digits.replace(pattern, groups);

/**
 * A real PDF in the shape of e-RS's Clinical Information Summary (A007), from the letters stage's
 * clinical-information template; also the "Advice and guidance conversation" file A027 attaches.
 * The sandbox holds no names, so people are stand-ins.
 */
export async function clinicalSummaryPdf(
  state: SandboxState,
  options: {
    ubrn: string;
    nhsNumber: string;
    priority: string;
    serviceId: string;
    status: string;
    notes: string;
    files: readonly string[];
    now: Date;
  },
): Promise<Buffer> {
  const service = state.services.get(options.serviceId);
  const data = {
    organisation: SANDBOX_LETTERHEAD,
    patient: {
      name: 'Sandbox Patient',
      nhsNumber: spaced(options.nhsNumber, /(\d{3})(\d{3})(\d{4})/, '$1 $2 $3'),
      dateOfBirth: '1 January 1970',
      gender: 'Not known',
      address: '1 Test Street, Leeds LS1 1AA',
    },
    referrer: { name: 'Dr Sandbox Referrer', organisation: 'Sandbox Surgery (R69)' },
    referral: {
      ubrn: spaced(options.ubrn, /(\d{4})(\d{4})(\d{4})/, '$1 $2 $3'),
      priority:
        (PRIORITY_DISPLAY as Record<string, string | undefined>)[options.priority] ??
        options.priority,
      specialty: service?.specialty || NOT_RECORDED,
      service: service?.name ?? options.serviceId,
      sentOn: letterDate(options.now),
      status: stateWords(options.status),
    },
    clinicalNotes: options.notes,
    attachments: options.files.flatMap((id) => {
      const f = state.binaries.get(id);
      return f
        ? [
            {
              fileName: f.fileName,
              type: ATTACHMENT_DISPLAY[f.type ?? 'REFERRER'] ?? 'Referrer',
              addedOn: letterDate(f.addedAt),
              addedBy: f.addedBy,
            },
          ]
        : [];
    }),
  };
  return renderLetter(TEMPLATE, data, { now: options.now });
}

/** e-RS names its PDFs `<ubrn>_<Kind>_<yyyyMMddHHmmss>.pdf` (ENDPOINTS.md §2.9). */
export const pdfName = (ubrn: string, kind: string, now: Date): string =>
  `${ubrn}_${kind}_${now.toISOString().replace(/[-:T]/g, '').slice(0, 14)}.pdf`;
