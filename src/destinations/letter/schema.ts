import { z } from 'zod';
import { LetterFieldsSchema } from './hl7-fields.js';

/** Where the PDF comes from. e-RS A019 only produces letters for referrals that are not booked
 * (ENDPOINTS.md A019: INVALID_REQUEST_STATE once booked), so `ers-then-local` asks e-RS first and
 * renders the local template when e-RS says it cannot. */
export const LetterSource = { ers: 'ers', local: 'local', ersThenLocal: 'ers-then-local' } as const;
export type LetterSource = (typeof LetterSource)[keyof typeof LetterSource];

const hd = z.string().max(180);

/** MDM^T02 to the PAS: the PDF base64-encoded in OBX-5 (ED), sent by a later mllp destination. */
export const LetterMdmSchema = z
  .object({
    sendingApplication: hd.default('ERS-BRIDGE'),
    sendingFacility: hd.default(''),
    receivingApplication: hd.default('PAS'),
    receivingFacility: hd.default(''),
    /** TXA-2 document type (HL7 table 0270, or the PAS's own code). */
    documentType: z.string().min(1).default('LETTER'),
    /** OBX-3 observation identifier: code and text. */
    observation: z
      .object({ code: z.string().min(1), text: z.string().min(1) })
      .strict()
      .default({ code: 'ERS-LETTER', text: 'e-RS patient letter' }),
  })
  .strict();
export type LetterMdmConfig = z.infer<typeof LetterMdmSchema>;

export const LetterDestinationSchema = z
  .object({
    source: z.enum(['ers', 'local', 'ers-then-local']).default('ers-then-local'),
    /** Local template file, relative to the config folder (e.g. mappings/letters/booked-confirmation.yaml). */
    template: z.string().min(1).optional(),
    /** Fixed letter data under the message's data, e.g. the organisation block of the header. */
    data: z.record(z.string(), z.unknown()).default({}),
    /** Letter data read from the inbound HL7 message, e.g. `patient.name: [PID-5.2, PID-5.1]`. */
    fields: LetterFieldsSchema.default({}),
    /** Output folder; relative paths are under the data folder. Omit to deliver only by MDM. */
    folder: z.string().min(1).optional(),
    /** `{ubrn}`, `{date}` (yyyy-mm-dd), `{id}` are replaced; the name stays in the folder. */
    fileName: z.string().default('letter-{ubrn}-{date}.pdf'),
    mdm: LetterMdmSchema.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.source !== 'ers' && c.template === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['template'],
        message: `source ${c.source} needs a local template`,
      });
    if (c.folder === undefined && c.mdm === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['folder'],
        message: 'deliver somewhere: set folder, mdm, or both',
      });
  });
export type LetterDestinationConfig = z.input<typeof LetterDestinationSchema>;
export type ParsedLetterConfig = z.infer<typeof LetterDestinationSchema>;
