import { z } from 'zod';

const ubrn = z.string().regex(/^\d{12}$/, 'must be a 12-digit UBRN');

/**
 * Logical inputs of operations the e-RS operations registry (src/ers/operations/) does not
 * define yet. The registry wins when it gains an operation of the same id.
 */
export const EXTRA_OPERATION_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  A008: z
    .object({ worklistType: z.string().min(1), serviceIds: z.array(z.string()).optional() })
    .strict(),
  A016: z
    .object({
      ubrn,
      action: z.enum(['BOOK', 'DEFER']),
      slotId: z.string().min(1).optional(),
      serviceId: z.string().min(1).optional(),
      start: z.string().datetime({ offset: true }).optional(),
      end: z.string().datetime({ offset: true }).optional(),
      deferReason: z.string().min(1).optional(),
      comments: z.string().max(1000).optional(),
    })
    .strict(),
  A022: z
    .object({
      ubrn,
      version: z.string().regex(/^\d+$/).optional(),
      reason: z.string().min(1),
      comments: z.string().max(2000).optional(),
    })
    .strict(),
  /** No e-RS call: destinations act on the message as it is. */
  forward: z.object({}).strict(),
};
