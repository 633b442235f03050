import { EngineError } from '../core/errors.js';

/** `{{ path.to.value }}`: dotted path into the letter data; nothing else (no logic in templates). */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w]*(?:\.[\w]+)*)\s*\}\}/g;
/** Any `{{`/`}}` left after removing well-formed placeholders is a typo in the template. */
const STRAY = /\{\{|\}\}/;

export function placeholderProblem(text: string): string | undefined {
  return STRAY.test(text.replace(PLACEHOLDER, ''))
    ? `malformed placeholder in "${text.slice(0, 60)}" (use {{name}} or {{a.b}})`
    : undefined;
}

export function lookup(data: unknown, path: string): unknown {
  let value: unknown = data;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Replaces placeholders; a missing or empty value is an error naming the placeholder, never
 * the data (the data is patient data). */
export function fill(text: string, data: unknown, where: string): string {
  return text.replace(PLACEHOLDER, (_match, path: string) => {
    const value = lookup(data, path);
    if (value === undefined || value === null || value === '')
      throw new EngineError('LETTER_DATA_MISSING', `${where}: no value for {{${path}}}`, {
        at: where,
        context: { placeholder: path },
      });
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      throw new EngineError('LETTER_DATA_MISSING', `${where}: {{${path}}} is not a text value`, {
        at: where,
        context: { placeholder: path },
      });
    return String(value);
  });
}
