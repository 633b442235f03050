import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { isEngineError } from '../../core/errors.js';
import { writeFileAtomically } from '../../core/atomic-write.js';
import { renderLetter } from '../../letters/index.js';

/** A bare name (`appointment-request`) means a shipped template in mappings/letters/. */
export function resolveTemplate(template: string): string {
  const shipped = join('mappings', 'letters', `${template}.yaml`);
  return !existsSync(template) && existsSync(shipped) ? shipped : template;
}

export interface RenderFileOptions {
  readonly template: string;
  readonly dataFile: string;
  readonly out: string;
  readonly now: Date;
}

/** Renders a letter to a file; written beside the target then renamed so a reader never sees
 * half a PDF. Returns the byte count. */
export async function renderLetterFile(options: RenderFileOptions): Promise<number> {
  const data = JSON.parse(await readFile(options.dataFile, 'utf8')) as unknown;
  const pdf = await renderLetter(resolveTemplate(options.template), data, { now: options.now });
  await writeFileAtomically(options.out, pdf);
  return pdf.length;
}

export function register(program: Command): void {
  const letters = program.command('letters').description('PDF letters from templates');
  letters
    .command('render')
    .description('render a letter template with JSON data to a PDF')
    .argument('<template>', 'template file, or the name of one in mappings/letters/')
    .argument('<data>', 'JSON file with the letter data')
    .requiredOption('-o, --out <file>', 'PDF file to write')
    .option('--date <iso>', 'letter date (fixes the output bytes), default now')
    .action(async (template: string, dataFile: string, opts: { out: string; date?: string }) => {
      const now = opts.date === undefined ? new Date() : new Date(opts.date);
      if (Number.isNaN(now.getTime())) {
        console.error(`--date: not a date: ${opts.date ?? ''}`);
        process.exitCode = 2;
        return;
      }
      try {
        const bytes = await renderLetterFile({ template, dataFile, out: opts.out, now });
        console.log(`${opts.out}: ${bytes} bytes`);
      } catch (error) {
        if (!isEngineError(error)) throw error;
        console.error(`${error.code}: ${error.message}`);
        process.exitCode = 1;
      }
    });
}
