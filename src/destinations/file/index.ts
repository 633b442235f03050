// destinations/file: writes a message's result to a folder atomically (temp file, fsync, rename),
// one file per message or, with mode: batch-file, HL7 / NDJSON batch files (decision 195).
import { destinations } from '../../core/registry.js';
import { FileDestinationSchema, createFileDestination } from './file-destination.js';

destinations.register({
  type: 'file',
  description: 'Write a file per message, or batch files of many, into a folder, atomically',
  schema: FileDestinationSchema,
  create: (config, ctx) => createFileDestination(config, ctx),
});
