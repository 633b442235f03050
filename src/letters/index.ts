// letters: PDF letters (A019-style patient letters, booked confirmations) from declarative YAML templates in mappings/letters/, rendered with pdfkit and an embedded DejaVu Sans.
import { loadLetterTemplate } from './template.js';
import { renderTemplate, type RenderOptions } from './render.js';

export { loadLetterTemplate, parseLetterTemplate, letterTemplateSchema } from './template.js';
export type { LetterTemplate, LetterBlock } from './template.js';
export { renderTemplate, FONT_DIR, type RenderOptions } from './render.js';

/** Loads the template file and renders it with the data; same input and `now` give the same bytes. */
export async function renderLetter(
  templateFile: string,
  data: unknown,
  options: RenderOptions,
): Promise<Buffer> {
  return renderTemplate(await loadLetterTemplate(templateFile), data, options);
}
