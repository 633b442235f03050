// sources/http: HTTP inbound listener (POST a message, get its id once it is durably stored).
import { sources } from '../../core/registry.js';
import { HttpSourceSchema, createHttpSource } from './http-source.js';

sources.register({
  type: 'http',
  description: 'HTTP listener: POST a message body; answered after it is durably stored',
  schema: HttpSourceSchema,
  create: (config, ctx) => createHttpSource(config, ctx),
});
