// destinations/letter: renders a local letter template with the referral data and UBRN, writes the PDF to a folder atomically.
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { destinations } from '../../engine/registry.js';
import type { Destination, PluginFactoryContext } from '../../engine/plugins.js';
import { renderLetter } from '../../letters/index.js';
import { fileNameFor, previousOutputs, writeFileAtomically } from '../file/file-destination.js';

export const LetterDestinationSchema = z
  .object({
    /** Template file, relative to the config folder (e.g. mappings/letters/booked-confirmation.yaml). */
    template: z.string().min(1),
    /** Output folder; relative paths are under the data folder. */
    folder: z.string().min(1),
    /** `{ubrn}`, `{date}` (yyyy-mm-dd), `{id}` are replaced; the name stays in the folder. */
    fileName: z.string().default('letter-{ubrn}-{date}.pdf'),
  })
  .strict();
export type LetterDestinationConfig = z.infer<typeof LetterDestinationSchema>;

export function createLetterDestination(
  config: LetterDestinationConfig,
  factory: PluginFactoryContext,
): Destination {
  const folder = isAbsolute(config.folder)
    ? config.folder
    : resolve(factory.dataDir, config.folder);
  const template = isAbsolute(config.template)
    ? config.template
    : resolve(factory.configDir, config.template);
  return {
    // Same message and date give the same bytes under the same name, written atomically.
    safeToRepeat: true,
    async send(ctx) {
      const outputs = previousOutputs(ctx.previous);
      const ubrn = typeof outputs['ubrn'] === 'string' ? outputs['ubrn'] : '';
      const now = new Date(ctx.now);
      const input = ctx.mapped.input;
      const referral = { ...(input['referral'] as Record<string, unknown> | undefined), ubrn };
      const pdf = await renderLetter(template, { ...input, ...outputs, referral }, { now });
      const name = fileNameFor(config.fileName, {
        ubrn,
        date: now.toISOString().slice(0, 10),
        id: String(ctx.message.id),
      });
      const target = await writeFileAtomically(folder, name, pdf);
      return { output: { letterPath: target, letterBytes: pdf.length } };
    },
  };
}

destinations.register({
  type: 'letter',
  description: 'Render a letter template to PDF (UBRN from an earlier destination) into a folder',
  schema: LetterDestinationSchema,
  create: (config, ctx) => createLetterDestination(config, ctx),
});
