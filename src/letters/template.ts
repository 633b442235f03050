import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { EngineError } from '../core/errors.js';
import { placeholderProblem } from './placeholders.js';

const text = z.string().superRefine((value, ctx) => {
  const problem = placeholderProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});
const colour = z.string().regex(/^#[0-9A-Fa-f]{6}$/, 'colour must be #RRGGBB');

const column = z.strictObject({
  header: z.string().min(1),
  value: text,
  /** Relative width: columns share the text width in proportion. */
  width: z.number().positive().default(1),
});

export const LetterBlockType = {
  heading: 'heading',
  text: 'text',
  fields: 'fields',
  table: 'table',
  spacer: 'spacer',
} as const;

const block = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('heading'), text }),
  z.strictObject({ type: z.literal('text'), text, bold: z.boolean().default(false) }),
  z.strictObject({
    type: z.literal('fields'),
    fields: z.array(z.strictObject({ label: z.string().min(1), value: text })).min(1),
  }),
  z.strictObject({
    type: z.literal('table'),
    /** Dotted path of an array in the data; each element fills one row. */
    rows: z.string().regex(/^[A-Za-z_]\w*(\.\w+)*$/, 'rows must be a data path like services'),
    columns: z.array(column).min(1, 'a table needs at least one column'),
    empty: z.string().optional(),
  }),
  z.strictObject({ type: z.literal('spacer'), height: z.number().positive().default(12) }),
]);

const margins = z.strictObject({
  top: z.number().min(0),
  right: z.number().min(0),
  bottom: z.number().min(30, 'bottom margin must leave room for the footer (>= 30 pt)'),
  left: z.number().min(0),
});

export const letterTemplateSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/, 'id must match [a-z0-9-]+'),
  title: text,
  page: z
    .strictObject({ size: z.literal('A4').default('A4'), margins: margins.optional() })
    .default({ size: 'A4' }),
  header: z.strictObject({
    organisation: text,
    address: z.array(text).default([]),
    colour: colour.default('#005EB8'),
    /** PNG or JPEG, relative to the template file; drawn at the left of the band. */
    logo: z
      .string()
      .regex(/\.(png|jpe?g)$/i, 'logo must be a .png or .jpg file')
      .optional(),
  }),
  recipient: z.array(text).default([]),
  date: text.optional(),
  reference: text.optional(),
  blocks: z.array(block).min(1, 'a letter needs at least one block'),
  footer: z.strictObject({ text: text.default('Page {{page}} of {{pages}}') }).default({
    text: 'Page {{page}} of {{pages}}',
  }),
});

export type LetterTemplate = z.infer<typeof letterTemplateSchema> & { readonly file: string };
export type LetterBlock = z.infer<typeof block>;

function invalid(file: string, line: number | undefined, reason: string): EngineError {
  const at = line === undefined ? file : `${file}:${line}`;
  return new EngineError('LETTER_TEMPLATE_INVALID', `${at}: ${reason}`, { at });
}

/** Parses and validates template source; errors say `file:line: reason` (first problem by line). */
export function parseLetterTemplate(source: string, file: string): LetterTemplate {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError !== undefined)
    throw invalid(file, lineCounter.linePos(yamlError.pos[0]).line, yamlError.message);
  const result = letterTemplateSchema.safeParse(doc.toJS() as unknown);
  if (result.success) {
    const logo = result.data.header.logo;
    if (logo === undefined) return { ...result.data, file };
    const logoFile = resolve(dirname(file), logo);
    if (!existsSync(logoFile))
      throw invalid(
        file,
        lineOf(doc, lineCounter, ['header', 'logo']),
        `header.logo: no file ${logo}`,
      );
    return { ...result.data, header: { ...result.data.header, logo: logoFile }, file };
  }
  const problems = result.error.issues.map((issue) => {
    // An unknown key is reported on its own line, not on the mapping that holds it.
    const path = [
      ...(issue.path as (string | number)[]),
      ...(issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : []),
    ];
    const line = lineOf(doc, lineCounter, path);
    const key = issue.path.join('.');
    return { line, reason: key === '' ? issue.message : `${key}: ${issue.message}` };
  });
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const first = problems[0];
  throw invalid(file, first?.line, first?.reason ?? 'invalid template');
}

/** The line of the deepest node that exists on the issue's path (a missing key points at its
 * parent mapping; an unknown key at the mapping that holds it). */
function lineOf(
  doc: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
  path: (string | number)[],
): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

export async function loadLetterTemplate(file: string): Promise<LetterTemplate> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (cause) {
    throw new EngineError('LETTER_TEMPLATE_INVALID', `${file}: cannot read template`, {
      at: file,
      cause,
    });
  }
  return parseLetterTemplate(source, file);
}
