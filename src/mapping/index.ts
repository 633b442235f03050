// mapping: declarative YAML mapping files (compile up front, evaluate per message) and the `mapping` transformer.
import { transformers } from '../core/registry.js';
import { MappingTransformerSchema, createMappingTransformer } from './transformer.js';
// Provides the channel-level filter's compiler to config and engine (src/core/channel-filter.ts).
import './channel-filter.js';

transformers.register({
  type: 'mapping',
  description: 'Map a message to an e-RS operation with declarative mapping files',
  schema: MappingTransformerSchema,
  create: (config, ctx) => createMappingTransformer(config, ctx),
});

export {
  compileMappingFile,
  compileMappingText,
  type CompiledMapping,
  type CompileResult,
} from './compile.js';
export { evaluateMapping, evaluateParsed, type MappingRun } from './evaluate.js';
export { createMappingTransformer, MappingTransformerSchema } from './transformer.js';
export { renderOutbound, renderReply, type AckReply, type ReplyScope } from './reply.js';
export { worklistItems, type WorklistItem } from './worklist.js';
export { evaluateThen } from './evaluate.js';
export {
  isVersionConflict,
  lettersAlreadyLinked,
  mergePages,
  readsFor,
  resolveInputs,
  wantsNextPage,
  type CompiledResolve,
  type ErsAnswers,
} from './resolve.js';
export { requireMappingTransformer } from './channel-check.js';
export { parseInput } from './inputs.js';
export { formatIssue, type CompileIssue } from './positions.js';
export { runMappingTests, type MappingTestResult } from './golden.js';
