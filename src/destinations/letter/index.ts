// destinations/letter: renders a local letter template with the referral data and UBRN, writes the PDF to a folder atomically.
import { mkdir, open, rename } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { destinations } from '../../engine/registry.js';
import type { Destination, PluginFactoryContext } from '../../engine/plugins.js';
import { renderLetter } from '../../letters/index.js';

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

/** Pure: the file name with placeholders filled and path separators neutralised. */
export function letterFileName(template: string, values: Record<string, string>): string {
  const name = template.replace(/\{(\w+)\}/g, (_m, k: string) => values[k] ?? '');
  return name.replace(/[/\\]/g, '_').replace(/^\.+/, '_');
}

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
      const outputs = Object.assign(
        {},
        ...Object.values(ctx.previous).map((r) => r.output ?? {}),
      ) as Record<string, unknown>;
      const ubrn = typeof outputs['ubrn'] === 'string' ? outputs['ubrn'] : '';
      const now = new Date(ctx.now);
      const input = ctx.mapped.input;
      const referral = { ...(input['referral'] as Record<string, unknown> | undefined), ubrn };
      const pdf = await renderLetter(template, { ...input, ...outputs, referral }, { now });
      const name = letterFileName(config.fileName, {
        ubrn,
        date: now.toISOString().slice(0, 10),
        id: String(ctx.message.id),
      });
      const target = join(folder, name);
      const temp = join(folder, `.${name}.${process.pid}.tmp`);
      await mkdir(folder, { recursive: true });
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(pdf);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
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
