import { z } from 'zod';
import { isUbrn } from '../nhs-number.js';
import type { OperationRequest } from './types.js';
import { ANY_ROLE } from './types.js';
import { operation } from './common.js';

/** A020 limits (ENDPOINTS.md §2.6, §2.9): 5 MB, name ≤ 255 characters, this mime table. */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
export const UPLOAD_MIME_TYPES: Readonly<Record<string, readonly string[]>> = {
  'text/plain': ['txt'],
  'application/pdf': ['pdf'],
  'text/xml': ['xml'],
  'application/xml': ['xml'],
  'text/rtf': ['rtf', 'rtx'],
  'audio/basic': ['au'],
  'audio/mpeg': ['mp3'],
  'image/png': ['png'],
  'image/gif': ['gif'],
  'image/jpeg': ['jpg', 'jpe', 'jpeg'],
  'image/tiff': ['tif', 'tiff'],
  'video/mpeg': ['mpg', 'mpeg', 'mpe'],
  'application/msword': ['doc'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/dicom': ['dcm'],
};

/** Pure: every reason an upload would be refused, empty when it is acceptable. */
export function uploadProblems(fileName: string, contentType: string, size: number): string[] {
  const problems: string[] = [];
  const extensions = UPLOAD_MIME_TYPES[contentType];
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  if (!extensions) problems.push(`content type ${contentType} is not accepted by e-RS`);
  else if (!ext || !extensions.includes(ext))
    problems.push(`file extension .${ext ?? ''} does not match ${contentType}`);
  if (fileName.length > 255) problems.push('file name is longer than 255 characters');
  if (/[\\/:*?"<>|]/.test(fileName)) problems.push('file name contains a character e-RS refuses');
  if (size === 0) problems.push('file is empty');
  if (size > MAX_UPLOAD_BYTES) problems.push(`file is ${size} bytes, over the 5 MB limit`);
  return problems;
}

export const UploadInputSchema = z
  .object({
    fileName: z.string().min(1),
    contentType: z.string().min(1),
    /** base64 of the file (as carried in HL7 OBX-5 ED or a JSON message). */
    dataBase64: z.string().min(1),
    ubrn: z.string().refine(isUbrn, 'must be a 12-digit UBRN').optional(),
  })
  .strict()
  .superRefine((i, ctx) => {
    const size = Buffer.byteLength(i.dataBase64, 'base64');
    for (const message of uploadProblems(i.fileName, i.contentType, size))
      ctx.addIssue({ code: 'custom', message, path: ['fileName'] });
  });

/** A020: upload a file to the document store; link it later (A012, A022, A026–A028, A044). */
export const A020 = operation({
  id: 'A020',
  name: 'Upload file to document store',
  method: 'POST',
  paths: ['/Binary'],
  roles: ANY_ROLE,
  side: 'either',
  profile: undefined,
  deprecated: false,
  input: UploadInputSchema,
  build: (i) => uploadRequest(i),
  auditType: 'API A020',
  resourceType: 'Clinical Attachment',
});

export const uploadRequest = (i: z.infer<typeof UploadInputSchema>): OperationRequest => ({
  method: 'POST',
  path: '/Binary',
  bytes: { data: Buffer.from(i.dataBase64, 'base64'), contentType: i.contentType },
  headers: {
    'NHSD-eRS-File-Name': i.fileName,
    ...(i.ubrn ? { 'NHSD-eRS-Referral-ID': i.ubrn } : {}),
  },
  expect: 'none',
});
