// ers/operations: one record per e-RS operation (aNNN.ts) — logical inputs in, the exact request out.
import type { z } from 'zod';
import { A004 } from './a004.js';
import { A005 } from './a005.js';
import { A006 } from './a006.js';
import { A007 } from './a007.js';
import { A008 } from './a008.js';
import { A010 } from './a010.js';
import { A011 } from './a011.js';
import { A012 } from './a012.js';
import { A013 } from './a013.js';
import { A014 } from './a014.js';
import { A015 } from './a015.js';
import { A016 } from './a016.js';
import { A019 } from './a019.js';
import { A020 } from './upload.js';
import { A021 } from './a021.js';
import { A022 } from './a022.js';
import { A023 } from './a023.js';
import { A024 } from './a024.js';
import { A025 } from './a025.js';
import { A026 } from './a026.js';
import { A027 } from './a027.js';
import { A028 } from './a028.js';
import { A029 } from './a029.js';
import { A031 } from './a031.js';
import { A032 } from './a032.js';
import { A034 } from './a034.js';
import { A036 } from './a036.js';
import { A038 } from './a038.js';
import { A043 } from './a043.js';
import { A044 } from './a044.js';
import type { OperationRecord } from './types.js';

/** Every e-RS STU3 operation the client speaks. Adding one here without a record fails to compile. */
export const OPERATION_IDS = [
  'A004',
  'A005',
  'A006',
  'A007',
  'A008',
  'A010',
  'A011',
  'A012',
  'A013',
  'A014',
  'A015',
  'A016',
  'A019',
  'A020',
  'A021',
  'A022',
  'A023',
  'A024',
  'A025',
  'A026',
  'A027',
  'A028',
  'A029',
  'A031',
  'A032',
  'A034',
  'A036',
  'A038',
  'A043',
  'A044',
] as const;
export type OperationId = (typeof OPERATION_IDS)[number];

export const OPERATIONS = {
  A004,
  A005,
  A006,
  A007,
  A008,
  A010,
  A011,
  A012,
  A013,
  A014,
  A015,
  A016,
  A019,
  A020,
  A021,
  A022,
  A023,
  A024,
  A025,
  A026,
  A027,
  A028,
  A029,
  A031,
  A032,
  A034,
  A036,
  A038,
  A043,
  A044,
} as const satisfies {
  // Each record has its own input type; this only requires one record per id (a missing one fails).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly [K in OperationId]: OperationRecord<any> & { id: K };
};

export const isOperationId = (id: string): id is OperationId =>
  (OPERATION_IDS as readonly string[]).includes(id);

/** The record of an operation, typed loosely for callers that hold an id as data. */
export const operationRecord = (id: OperationId): OperationRecord => OPERATIONS[id];

/** The zod schema of an operation's logical inputs, for mapping compilers to check against. */
export function operationInputSchema(id: string): z.ZodType | undefined {
  return isOperationId(id) ? OPERATIONS[id].input : undefined;
}

/** Operations our flows call under the provider's business function (the role choice). */
export const PROVIDER_OPERATIONS: readonly OperationId[] = OPERATION_IDS.filter(
  (id) => OPERATIONS[id].side === 'provider',
);

export type { OperationRequest, OperationRecord, BuildContext, BusinessFunction } from './types.js';
export { createReferralBody, type CreateReferralInput } from './create-referral.js';
export { uploadProblems, MAX_UPLOAD_BYTES, UPLOAD_MIME_TYPES } from './upload.js';
export { WORKLIST_TYPES } from './a008.js';
