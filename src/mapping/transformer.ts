import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { EngineError } from '../core/errors.js';
import type { PluginFactoryContext, TransformResult, Transformer } from '../core/plugins.js';
import { compileMappingFile, type CompiledMapping } from './compile.js';
import { noteMappingChannel } from './channel-check.js';
import { evaluateParsed } from './evaluate.js';
import { mappingVersionOf } from './versions.js';
import { CONTENT_TYPES, parseInput, type InputKind, type ParsedInput } from './inputs.js';

export const MappingTransformerSchema = z.strictObject({
  /** Mapping files, relative to the config folder; the first whose `when` holds is used. */
  mappings: z.array(z.string().min(1)).min(1),
});
export type MappingTransformerConfig = z.infer<typeof MappingTransformerSchema>;

/**
 * Compiled mappings by content hash, so the reply destination of the same process finds the
 * reply section of the mapping that produced a message (its hash is stored on the message).
 */
const byHash = new Map<string, CompiledMapping>();
const byId = new Map<string, CompiledMapping>();

/** The mapping of that hash, else the latest compiled mapping of that id (after a reload). */
export function compiledMappingByHash(hash: string, id?: string): CompiledMapping | undefined {
  return byHash.get(hash) ?? (id === undefined ? undefined : byId.get(id));
}

export function rememberMapping(m: CompiledMapping): void {
  byHash.set(m.hash, m);
  byId.set(m.id, m);
}

/** Compiles every mapping up front: one bad file refuses the whole channel (and its reload). */
export function createMappingTransformer(
  config: MappingTransformerConfig,
  ctx: Pick<PluginFactoryContext, 'configDir'> & Partial<Pick<PluginFactoryContext, 'channelId'>>,
): Transformer {
  if (ctx.channelId !== undefined) noteMappingChannel(ctx.channelId);
  const errors: string[] = [];
  const compiled: CompiledMapping[] = [];
  for (const f of config.mappings) {
    try {
      compiled.push(compileMappingFile(isAbsolute(f) ? f : join(ctx.configDir, f)));
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      errors.push(error.message);
    }
  }
  if (errors.length > 0)
    throw new EngineError('MAP_COMPILE_ERROR', errors.join('\n'), {
      context: { files: config.mappings.length },
    });
  compiled.forEach(rememberMapping);
  return {
    versions: compiled.map((m) => mappingVersionOf(m, ctx.configDir, 0)),
    async transform(message): Promise<TransformResult> {
      const parsed = new Map<InputKind, ParsedInput>();
      for (const m of compiled) {
        if (CONTENT_TYPES[m.kind] !== message.contentType) continue;
        let input = parsed.get(m.kind);
        if (input === undefined)
          parsed.set(
            m.kind,
            (input = await parseInput(m.kind, message.raw ?? Buffer.alloc(0), message.contentType)),
          );
        const run = await evaluateParsed(m, input).catch((error: unknown) => {
          throw withMapping(error, m);
        });
        if (run.kind === 'filtered') {
          // The first mapping whose `when` holds owns the message: its filter ends it FILTERED.
          if (run.by === 'filter') return { kind: 'filtered', reason: run.reason };
          continue;
        }
        return {
          kind: 'mapped',
          operation: run.operation,
          input: run.input,
          mappingId: run.mappingId,
          mappingHash: run.mappingHash,
          warnings: run.warnings,
          lineage: run.lineage,
        };
      }
      throw new EngineError(
        'MAP_NO_MATCHING_MAPPING',
        `no mapping applies (${compiled.map((m) => m.id).join(', ')})`,
      );
    },
  };
}

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
