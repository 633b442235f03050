// sources/file-drop: a share folder polled for CSV extracts, HL7 batch files and XML; crash-safe.
import { sources } from '../../core/registry.js';
import { createFileDropSource } from './file-drop-source.js';
import { FileDropSchema } from './schema.js';

sources.register({
  type: 'file',
  description:
    'Folder on a share: CSV rows, HL7 batch files or XML, stored before the file is moved',
  schema: FileDropSchema,
  create: (config, ctx) => createFileDropSource(config, ctx),
});
