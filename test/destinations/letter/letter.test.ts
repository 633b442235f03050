import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { createLetterDestination } from '../../../src/destinations/letter/index.js';
import type { DestinationContext, PluginFactoryContext } from '../../../src/engine/plugins.js';
import { pdfPages, sample, NOW } from '../../letters/pdf-text.js';

describe('letter destination', () => {
  it('writes the booked confirmation PDF named with the UBRN from the previous destination', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'letter-dest-'));
    try {
      const logger = pino({ level: 'silent' });
      const factory = {
        channelId: 'c',
        configDir: resolve('.'),
        dataDir: dir,
        logger,
        services: {},
      };
      const dest = createLetterDestination(
        {
          template: 'mappings/letters/booked-confirmation.yaml',
          folder: 'letters',
          fileName: 'letter-{ubrn}-{date}.pdf',
        },
        factory as unknown as PluginFactoryContext,
      );
      const data = sample('booked-confirmation');
      const ctx = {
        channelId: 'c',
        logger,
        message: { id: 7 },
        mapped: {
          kind: 'mapped',
          operation: 'A016',
          input: data,
          mappingId: 'm',
          mappingHash: 'h',
        },
        previous: { ers: { output: { ubrn: '000040009099' } } },
        now: NOW.getTime(),
      } as unknown as DestinationContext;
      const result = await dest.send(ctx);
      expect(readdirSync(join(dir, 'letters'))).to.deep.equal([
        'letter-000040009099-2026-11-25.pdf',
      ]);
      expect(result.output?.['letterPath']).to.equal(
        join(dir, 'letters', 'letter-000040009099-2026-11-25.pdf'),
      );
      const text = pdfPages(
        readFileSync(join(dir, 'letters', 'letter-000040009099-2026-11-25.pdf')),
      ).join('\n');
      expect(text).to.contain('000040009099');
      expect(text).to.contain('Siân Llŷr Prŵst');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
