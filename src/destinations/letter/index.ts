// destinations/letter: the patient letter as PDF — from e-RS A019 when it can, else a local template — to a folder and/or the PAS as MDM^T02.
import { isAbsolute, resolve } from 'node:path';
import { EngineError } from '../../core/errors.js';
import { destinations } from '../../core/registry.js';
import type { Destination, PluginFactoryContext } from '../../core/plugins.js';
import { loadLetterTemplate, type LetterTemplate } from '../../letters/index.js';
import { fileNameFor, writeFileAtomically } from '../file/file-destination.js';
import { letterFacts } from './data.js';
import { compileFields, fieldsFromHl7 } from './hl7-fields.js';
import { buildLetterMdm } from './mdm.js';
import { obtainLetter } from './obtain.js';
import {
  LetterDestinationSchema,
  type LetterDestinationConfig,
  type ParsedLetterConfig,
} from './schema.js';

export { LetterDestinationSchema, LetterSource, type LetterDestinationConfig } from './schema.js';
export { buildLetterMdm, type LetterDocument } from './mdm.js';
export { ERS_CANNOT_PRODUCE, obtainLetter, type ObtainedLetter } from './obtain.js';
export { letterFacts, mergeData } from './data.js';
export { fieldsFromHl7, compileFields, formatHl7Time } from './hl7-fields.js';

/** Parsed once, then reused: a template is read per channel (re)load, not per letter. */
function templateLoader(file: string | undefined): (() => Promise<LetterTemplate>) | undefined {
  if (file === undefined) return undefined;
  let loading: Promise<LetterTemplate> | undefined;
  return () => {
    loading ??= loadLetterTemplate(file).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}

export function createLetterDestination(
  input: LetterDestinationConfig,
  factory: PluginFactoryContext,
): Destination {
  const config: ParsedLetterConfig = LetterDestinationSchema.parse(input);
  if (config.source !== 'local' && factory.services.ers === undefined)
    throw new EngineError(
      'CONFIG_INVALID',
      `letter destination: source ${config.source} needs e-RS (enable the sandbox or set settings.ers), or use source: local`,
      { at: 'source' },
    );
  const inConfig = (p: string): string => (isAbsolute(p) ? p : resolve(factory.configDir, p));
  const folder =
    config.folder === undefined
      ? undefined
      : isAbsolute(config.folder)
        ? config.folder
        : resolve(factory.dataDir, config.folder);
  const fields = compileFields(config.fields);
  const template = templateLoader(config.template && inConfig(config.template));
  return {
    // A019 changes nothing in e-RS and a local render is deterministic; the folder write is
    // atomic under a fixed name and the MDM only becomes an output: repeating is harmless.
    safeToRepeat: true,
    async send(ctx) {
      const facts = letterFacts(config.data, ctx, fieldsFromHl7(fields, ctx.message.raw));
      if (facts.ubrn === undefined)
        throw new EngineError(
          'LETTER_NO_UBRN',
          'no UBRN for the letter: no earlier destination output ubrn, and no referral.ubrn or ubrn in the data',
          { at: 'ubrn' },
        );
      const letter = await obtainLetter({
        source: config.source,
        ubrn: facts.ubrn,
        data: facts.data,
        template,
        ctx,
      });
      const name = fileNameFor(config.fileName, {
        ubrn: facts.ubrn,
        date: new Date(ctx.now).toISOString().slice(0, 10),
        id: String(ctx.message.id),
      });
      const path =
        folder === undefined ? undefined : await writeFileAtomically(folder, name, letter.pdf);
      const outbound =
        config.mdm === undefined
          ? undefined
          : buildLetterMdm(
              {
                pdf: letter.pdf,
                ubrn: facts.ubrn,
                nhsNumber: facts.nhsNumber,
                fileName: name,
                controlId: `LTR${ctx.message.id}.${ctx.message.attempts}`,
                now: ctx.now,
              },
              config.mdm,
            );
      return {
        request: {
          source: config.source,
          ...(config.source === 'local' ? {} : { ers: 'A019' }),
          ubrn: facts.ubrn,
        },
        response: {
          letterSource: letter.source,
          ...(letter.fallback === undefined ? {} : { fallback: letter.fallback }),
          ...(letter.transactionId === undefined ? {} : { transactionId: letter.transactionId }),
        },
        output: {
          letterSource: letter.source,
          letterFileName: name,
          letterBytes: letter.pdf.length,
          ...(letter.fallback === undefined ? {} : { letterFallback: letter.fallback }),
          ...(letter.ersFileName === undefined ? {} : { ersFileName: letter.ersFileName }),
          ...(path === undefined ? {} : { letterPath: path }),
          ...(outbound === undefined ? {} : { outbound }),
        },
      };
    },
  };
}

destinations.register({
  type: 'letter',
  description:
    'Patient letter PDF: e-RS A019 when e-RS can produce it, else a local template; to a folder and/or the PAS as MDM^T02',
  schema: LetterDestinationSchema,
  create: (config, ctx) => createLetterDestination(config, ctx),
});
