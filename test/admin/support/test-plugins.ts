/**
 * Test-only plugins registered through the public registry, as any stage's would be, so the
 * dashboard can be driven through a real engine before the real mapping stage exists:
 * - `test-json-mapping` reads a JSON "mapping" file naming which body field holds the priority
 *   (an operator "fixes the mapping" by editing that file and reloading the channel);
 * - `test-picky-ers` refuses a referral without a known priority, as e-RS would (permanent).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { EngineError } from '../../../src/core/errors.js';
import { destinations, transformers } from '../../../src/core/registry.js';

const MappingSchema = z.object({ file: z.string() }).strict();
const MappingFile = z.object({ priorityField: z.string() });

if (transformers.get('test-json-mapping') === undefined) {
  transformers.register({
    type: 'test-json-mapping',
    description: 'test only: maps ubrn and a priority field named in a JSON file',
    schema: MappingSchema,
    create: (config: z.infer<typeof MappingSchema>, ctx) => {
      const text = readFileSync(join(ctx.configDir, config.file), 'utf8');
      const mapping = MappingFile.parse(JSON.parse(text));
      const mappingHash = createHash('sha256').update(text).digest('hex');
      return {
        transform(message) {
          const body = JSON.parse(message.raw?.toString('utf8') ?? '{}') as Record<string, unknown>;
          const ubrn = typeof body.ubrn === 'string' ? body.ubrn : '';
          return Promise.resolve({
            kind: 'mapped' as const,
            operation: 'A021',
            input: { ubrn, priority: body[mapping.priorityField] ?? null },
            mappingId: config.file,
            mappingHash,
            searchKeys: { ubrn },
          });
        },
      };
    },
  });
}

const PickySchema = z.object({}).strict();
if (destinations.get('test-picky-ers') === undefined) {
  destinations.register({
    type: 'test-picky-ers',
    description: 'test only: refuses a referral without priority routine/urgent',
    schema: PickySchema,
    create: () => ({
      send(ctx) {
        const priority = ctx.mapped.input.priority;
        const request = { resourceType: 'ReferralRequest', priority };
        if (priority !== 'routine' && priority !== 'urgent') {
          throw new EngineError(
            'DEST_REJECTED',
            'e-RS refused the referral: the priority is missing or not routine/urgent',
            {
              at: 'ReferralRequest.priority',
            },
          );
        }
        return Promise.resolve({
          request,
          response: {
            resourceType: 'ReferralRequest',
            id: String(ctx.mapped.input.ubrn),
            status: 'active',
          },
        });
      },
    }),
  });
}

export const REFERRAL_CHANNEL = `id: referrals
name: Referrals from the PAS to e-RS
source: { type: http, port: 0, orderingKey: [ubrn] }
transformer: { type: test-json-mapping, file: mappings/referral.json }
destinations:
  - { name: ers, type: test-picky-ers }
retry: { maxAttempts: 2, initialDelayMs: 100 }
`;
