import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { EngineError } from '../core/errors.js';
import { operationInputSchema } from '../ers/operations/index.js';
import type { PluginFactoryContext, TransformResult, Transformer } from '../core/plugins.js';
import { compileMappingFile, type CompiledMapping } from './compile.js';
import { evaluateParsed } from './evaluate.js';
import { traceMapping } from './trace.js';
import { mappingVersionOf } from './versions.js';
import { CONTENT_TYPES, parseInput, type InputKind, type ParsedInput } from './inputs.js';

export const MappingTransformerSchema = z.strictObject({
  /** Mapping files, relative to the config folder; the first whose `when` holds is used. */
  mappings: z.array(z.string().min(1)).min(1),
});
export type MappingTransformerConfig = z.infer<typeof MappingTransformerSchema>;

declare module '../core/plugins.js' {
  interface TransformHandoff {
    /** The compiled mapping that mapped the message: its reply section, `then` step, `resolve`. */
    readonly mapping?: CompiledMapping;
    /** The message as that mapping parsed it (a `then` step's rules read it again). */
    readonly parsed?: ParsedInput;
    /**
     * True when `input` passed the operation's schema as it is (no `resolve` input is added at
     * send time): the ers destination has the request built without checking it again.
     */
    readonly validated?: boolean;
  }
}

/**
 * Compiles every mapping up front: one bad file refuses the whole channel (and its reload). The
 * compiled set lives in the returned transformer only, so a reload's new channel build replaces
 * it and nothing accumulates; destinations get the message's mapping from `mapped.handoff`.
 */
export function createMappingTransformer(
  config: MappingTransformerConfig,
  ctx: Pick<PluginFactoryContext, 'configDir'>,
): Transformer {
  const failed: EngineError[] = [];
  const compiled: CompiledMapping[] = [];
  for (const f of config.mappings) {
    try {
      compiled.push(compileMappingFile(isAbsolute(f) ? f : join(ctx.configDir, f)));
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      failed.push(error);
    }
  }
  if (failed.length > 0)
    throw new EngineError('MAP_COMPILE_ERROR', failed.map((e) => e.message).join('\n'), {
      context: { files: config.mappings.length },
      // Every problem of every file, for callers that list them (validate, reload, the tester).
      issues: failed.flatMap((e) => e.issues),
    });
  return {
    versions: compiled.map((m) => mappingVersionOf(m, ctx.configDir, 0)),
    async transform(message): Promise<TransformResult> {
      const parsed = new Map<InputKind, ParsedInput>();
      for (const m of compiled) {
        if (CONTENT_TYPES[m.kind] !== message.contentType) continue;
        let input = parsed.get(m.kind);
        if (input === undefined) {
          traceMapping({ step: 'parse', kind: m.kind });
          parsed.set(
            m.kind,
            (input = await parseInput(m.kind, message.raw ?? Buffer.alloc(0), message.contentType)),
          );
        }
        const run = await evaluateParsed(m, input).catch((error: unknown) => {
          throw withMapping(error, m);
        });
        if (run.kind === 'filtered') {
          // The first mapping whose `when` holds owns the message: its filter ends it FILTERED.
          if (run.by === 'filter') return { kind: 'filtered', reason: run.reason };
          continue;
        }
        traceMapping({ step: 'resolve', mappingId: m.id });
        return {
          kind: 'mapped',
          operation: run.operation,
          input: run.input,
          mappingId: run.mappingId,
          mappingHash: run.mappingHash,
          warnings: run.warnings,
          lineage: run.lineage,
          handoff: { mapping: m, parsed: input, validated: inputChecked(m) },
        };
      }
      throw new EngineError(
        'MAP_NO_MATCHING_MAPPING',
        `no mapping applies (${compiled.map((m) => m.id).join(', ')})`,
      );
    },
  };
}

/** Pure: the mapping's inputs went through its operation's whole schema at transform time. */
const inputChecked = (m: CompiledMapping): boolean =>
  m.resolve === undefined && operationInputSchema(m.operation) !== undefined;

/** A failure inside a mapping names it (id and hash), so the message records which version failed. */
function withMapping(error: unknown, m: CompiledMapping): unknown {
  if (!(error instanceof EngineError)) return error;
  return new EngineError(error.code, error.message, {
    ...(error.at === undefined ? {} : { at: error.at }),
    context: { ...error.context, mappingId: m.id, mappingHash: m.hash },
    retry: error.retry,
    cause: error,
  });
}
