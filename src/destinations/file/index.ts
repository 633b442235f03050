// destinations/file: writes a message's result to a folder atomically (temp file, fsync, rename).
import { destinations } from '../../core/registry.js';
import { FileDestinationSchema, createFileDestination } from './file-destination.js';

destinations.register({
  type: 'file',
  description: 'Write a file per message into a folder, atomically',
  schema: FileDestinationSchema,
  create: (config, ctx) => createFileDestination(config, ctx),
});
