/**
 * OpenAPI 3.1 description of the admin API, served at /api/openapi.json. Kept beside the routes
 * (routes.ts); test/admin/messages.test.ts checks it is served and lists the paths.
 */
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const ok = (description: string, schema: object = { type: 'object' }) => ({
  200: { description, ...json(schema) },
});
const errors = {
  400: {
    description: 'Bad request (ADMIN_BAD_REQUEST)',
    ...json({ $ref: '#/components/schemas/Error' }),
  },
  401: {
    description: 'No valid session or token (ADMIN_UNAUTHENTICATED)',
    ...json({ $ref: '#/components/schemas/Error' }),
  },
  403: {
    description: 'Role too low (ADMIN_FORBIDDEN) or CSRF token missing (ADMIN_CSRF)',
    ...json({ $ref: '#/components/schemas/Error' }),
  },
};
const filterName = { name: 'name', in: 'path', required: true, schema: { type: 'string' } };
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
const noteBody = {
  required: false,
  ...json({ type: 'object', properties: { note: { type: 'string' } } }),
};
const role = (r: 'viewer' | 'operator' | 'admin') => ({ 'x-min-role': r });

const filterParams = [
  ['channel', 'Channel id'],
  ['status', 'One status or several separated by commas (RECEIVED, SENT, ERROR, …)'],
  ['type', 'Message type, e.g. REF^I12, matched whatever the case'],
  ['controlId', 'MSH-10 (or file hash:row)'],
  [
    'ubrn',
    'Unique Booking Reference Number: every message whose body carried it, whose e-RS call created it (A011/A021), or that called e-RS about it (A005, A007, A012…)',
  ],
  ['nhsNumber', '10-digit NHS number; hashed (sha256) before searching, never stored or logged'],
  ['file', 'Records of a dropped file of this name (file-drop sources)'],
  ['row', 'With file: the record at this CSV row (or batch/XML message number)'],
  ['since', 'Received at or after: ISO 8601, epoch ms, or an age such as 24h, 7d'],
  ['until', 'Received before: ISO 8601, epoch ms, or an age'],
  ['from', 'Older name of since'],
  ['to', 'Older name of until'],
  [
    'text',
    'Words that must all occur (whole words, any case) in the first 64 KiB of the body. Needs a role that may read bodies; every such search is audited (messages.search.text) with its words as a hash',
  ],
  ['filter', 'A saved filter by name (GET /api/filters): its fields, under any given here'],
].map(([name, description]) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema: { type: 'string' },
}));

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'ers-bridge admin API',
    version: '1',
    description:
      'Channels, messages, reprocessing, mapping tests and the audit log. Authenticate with a bearer token (`ers-bridge users token NAME`) or a dashboard session; browser requests that change state must send the session CSRF token in `x-csrf-token`.',
  },
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer' },
      session: { type: 'apiKey', in: 'cookie', name: 'ersb_session' },
    },
    schemas: {
      Error: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: {
              code: { type: 'string' },
              message: { type: 'string' },
              at: { type: 'string' },
            },
            required: ['code', 'message'],
          },
        },
      },
      Issue: {
        type: 'object',
        description:
          'One problem among several (a mapping compile problem, a channel file problem)',
        properties: {
          code: { type: 'string' },
          message: { type: 'string' },
          location: {
            type: 'object',
            properties: {
              file: { type: 'string' },
              line: { type: 'integer' },
              col: { type: 'integer' },
            },
            required: ['file'],
          },
          hint: { type: 'string' },
        },
        required: ['code', 'message'],
      },
      MessageSummary: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          channel: { type: 'string' },
          status: { type: 'string' },
          messageType: { type: ['string', 'null'] },
          controlId: { type: ['string', 'null'] },
          attempts: { type: 'integer' },
          receivedAt: { type: 'integer' },
          updatedAt: { type: 'integer' },
          errorCode: { type: ['string', 'null'] },
        },
      },
      SavedFilter: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          query: { type: 'object', additionalProperties: { type: 'string' } },
          savedBy: { type: 'string' },
          savedAt: { type: 'integer' },
        },
      },
    },
  },
  security: [{ bearer: [] }, { session: [] }],
  paths: {
    '/healthz': {
      get: { summary: 'Liveness (no authentication)', security: [], responses: ok('Alive') },
    },
    '/readyz': {
      get: {
        summary: 'Readiness: the store answers',
        ...role('viewer'),
        responses: { ...ok('Ready'), 503: { description: 'Store unavailable' }, ...errors },
      },
    },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics',
        ...role('viewer'),
        responses: { 200: { description: 'Prometheus text format' }, ...errors },
      },
    },
    '/api/session': {
      get: {
        summary: 'Who am I; the CSRF token of a dashboard session',
        ...role('viewer'),
        responses: { ...ok('Session'), ...errors },
      },
    },
    '/api/channels': {
      get: {
        summary:
          'Channels with state, source, counts by status, queue depth, last error, lastReceivedAt, lastFailure {id, status, code, at}, rates per minute over 5 minutes {received, sent, errors}, and received / sent / errors per 5 minutes of the last hour (throughput)',
        ...role('viewer'),
        responses: { ...ok('Channels'), ...errors },
      },
    },
    '/api/alerts': {
      get: {
        summary:
          'Alert incidents (open, recently recovered) and receivers (queued, last delivery, last error)',
        ...role('viewer'),
        responses: { ...ok('Alerts'), ...errors },
      },
    },
    '/api/alerts/check': {
      post: {
        summary: 'Check the alert rules now (audited); answers as GET /api/alerts',
        ...role('operator'),
        responses: { ...ok('Alerts'), ...errors },
      },
    },
    '/api/channels/{id}/{command}': {
      post: {
        summary: 'Start, stop or reload a channel (audited)',
        ...role('operator'),
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          {
            name: 'command',
            in: 'path',
            required: true,
            schema: { enum: ['start', 'stop', 'reload'] },
          },
        ],
        responses: {
          ...ok('Done', {
            type: 'object',
            properties: {
              ok: { type: 'boolean' },
              errors: { type: 'array', items: { type: 'string' } },
              issues: { type: 'array', items: { $ref: '#/components/schemas/Issue' } },
            },
          }),
          422: {
            description:
              'Reload refused; previous version kept: `errors` one line per problem, `issues` the same with code and location',
          },
          ...errors,
        },
      },
    },
    '/api/messages': {
      get: {
        summary: 'Messages, newest first, keyset paged',
        ...role('viewer'),
        parameters: [
          ...filterParams,
          {
            name: 'before',
            in: 'query',
            description: 'Page: messages with id below this (nextBefore of the previous page)',
            schema: { type: 'integer' },
          },
          { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 200, default: 50 } },
        ],
        responses: {
          ...ok('A page', {
            type: 'object',
            properties: {
              messages: { type: 'array', items: { $ref: '#/components/schemas/MessageSummary' } },
              nextBefore: { type: ['integer', 'null'] },
            },
          }),
          ...errors,
        },
      },
    },
    '/api/filters': {
      get: {
        summary: 'Saved filters (named searches shared by everyone), by name',
        ...role('viewer'),
        responses: {
          ...ok('Saved filters', {
            type: 'object',
            properties: {
              filters: { type: 'array', items: { $ref: '#/components/schemas/SavedFilter' } },
            },
          }),
          ...errors,
        },
      },
    },
    '/api/filters/{name}': {
      put: {
        summary:
          'Save (or replace) a named search: the filter fields of GET /api/messages, except nhsNumber (never stored in clear) and paging (audited)',
        ...role('operator'),
        parameters: [filterName],
        requestBody: json({
          type: 'object',
          description:
            'The filter fields of GET /api/messages, e.g. {"status": "ERROR", "since": "24h"}',
        }),
        responses: { ...ok('Saved'), ...errors },
      },
      delete: {
        summary: 'Delete a saved filter (audited)',
        ...role('operator'),
        parameters: [filterName],
        responses: {
          ...ok('Deleted'),
          404: { description: 'No such filter (STORE_NOT_FOUND)' },
          ...errors,
        },
      },
    },
    '/api/messages/reprocess': {
      post: {
        summary:
          'Reprocess every message matching a filter (at most 1000; audited). Never forces: SENT messages with effects, leased ones and ones with a call in flight are skipped and listed with the reason.',
        ...role('operator'),
        requestBody: json({
          type: 'object',
          description: 'The filter fields of GET /api/messages, plus an optional note',
        }),
        responses: {
          ...ok('Reprocessed', {
            type: 'object',
            properties: {
              count: { type: 'integer' },
              ids: { type: 'array', items: { type: 'integer' } },
              skipped: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { id: { type: 'integer' }, reason: { type: 'string' } },
                },
              },
            },
          }),
          ...errors,
        },
      },
    },
    '/api/messages/{id}': {
      get: {
        summary:
          'One message with body, HL7 fields, mapped input, destination results, reply, events (audited view)',
        ...role('viewer'),
        parameters: [idParam],
        responses: { ...ok('Message'), 404: { description: 'No such message' }, ...errors },
      },
    },
    '/api/messages/{id}/raw': {
      get: {
        summary: 'Download the raw body (audited export)',
        ...role('operator'),
        parameters: [idParam],
        responses: { 200: { description: 'The body as received' }, ...errors },
      },
    },
    '/api/messages/{id}/reprocess': {
      post: {
        summary:
          'Reprocess one message (audited). 409 STORE_REPROCESS_REFUSED while it is leased or has a call in flight, and for a SENT message unless the body has force: true; error.context.resend then lists what would be sent again.',
        ...role('operator'),
        parameters: [idParam],
        requestBody: noteBody,
        responses: { ...ok('Queued again'), 409: { description: 'Refused' }, ...errors },
      },
    },
    '/api/messages/bulk': {
      post: {
        summary:
          'Reprocess or resolve picked messages by id, each with the rules of the one-message action (leased and in-flight refused, SENT only with force; resolve needs a note and NEEDS_REVIEW). Audited per message and once for the request.',
        ...role('operator'),
        requestBody: json({
          type: 'object',
          properties: {
            action: { enum: ['reprocess', 'resolve'] },
            ids: { type: 'array', items: { type: 'integer' }, maxItems: 200 },
            note: { type: 'string' },
            force: { type: 'boolean' },
          },
          required: ['action', 'ids'],
        }),
        responses: {
          ...ok('What was done and what was skipped, with the reason', {
            type: 'object',
            properties: {
              action: { type: 'string' },
              done: { type: 'array', items: { type: 'integer' } },
              skipped: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'integer' },
                    reason: {
                      enum: [
                        'not-found',
                        'leased',
                        'in-flight',
                        'effect-succeeded',
                        'not-needs-review',
                      ],
                    },
                  },
                },
              },
            },
          }),
          ...errors,
        },
      },
    },
    '/api/messages/{id}/resend': {
      post: {
        summary:
          'Store an edited copy of the message as a new message on its channel, linked to it (sourceMeta.resentFrom); the original is unchanged. A SENT original needs allowSent: true. Audited with both ids.',
        ...role('operator'),
        parameters: [idParam],
        requestBody: json({
          type: 'object',
          properties: {
            body: { type: 'string' },
            note: { type: 'string' },
            allowSent: { type: 'boolean' },
          },
          required: ['body'],
        }),
        responses: {
          ...ok('The new message', {
            type: 'object',
            properties: { originalId: { type: 'integer' }, newId: { type: 'integer' } },
          }),
          ...errors,
        },
      },
    },
    '/api/messages/{id}/resolve': {
      post: {
        summary:
          'Close a NEEDS_REVIEW message as SENT after checking e-RS by hand; note required (audited)',
        ...role('operator'),
        parameters: [idParam],
        requestBody: noteBody,
        responses: { ...ok('Resolved'), ...errors },
      },
    },
    '/api/mappings': {
      get: {
        summary: 'Mapping files the tester can use',
        ...role('operator'),
        responses: { ...ok('Mapping files'), ...errors },
      },
    },
    '/api/mapping-test': {
      post: {
        summary: 'Run a mapping on a pasted message without sending anything (audited)',
        ...role('operator'),
        requestBody: json({
          type: 'object',
          properties: { mapping: { type: 'string' }, message: { type: 'string' } },
          required: ['mapping', 'message'],
        }),
        responses: { ...ok('Logical inputs, FHIR body and errors'), ...errors },
      },
    },
    '/api/mappings/{id}/versions': {
      get: {
        summary: 'Kept versions of a mapping, newest first (the deployed one marked)',
        ...role('viewer'),
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { ...ok('Versions (hash, file, firstSeenAt, deployed)'), ...errors },
      },
    },
    '/api/mappings/{id}/versions/{hash}': {
      get: {
        summary: 'One kept version with its text and tables (a hash prefix of 6+ digits will do)',
        ...role('viewer'),
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'hash', in: 'path', required: true, schema: { type: 'string' } },
        ],
        responses: { ...ok('The version'), ...errors },
      },
    },
    '/api/mappings/{id}/diff': {
      get: {
        summary: 'Unified diff between two versions, or a version and the deployed file',
        ...role('viewer'),
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'from', in: 'query', required: true, schema: { type: 'string' } },
          { name: 'to', in: 'query', schema: { type: 'string' } },
        ],
        responses: { ...ok('{ diff }'), ...errors },
      },
    },
    '/api/mappings/{id}/rollback': {
      post: {
        summary: 'Write a kept version over the deployed mapping file and its tables (audited)',
        ...role('admin'),
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: json({
          type: 'object',
          properties: { version: { type: 'string' } },
          required: ['version'],
        }),
        responses: { ...ok('{ from, to, files }'), ...errors },
      },
    },
    '/api/mappings/replay': {
      post: {
        summary:
          'Run stored messages through a candidate mapping text and compare the e-RS requests (nothing sent; audited)',
        ...role('operator'),
        requestBody: json({
          type: 'object',
          properties: {
            candidate: { type: 'string' },
            channel: { type: 'string' },
            type: { type: 'string' },
            status: { type: 'string' },
            since: { type: 'string' },
            until: { type: 'string' },
            limit: { type: 'integer', maximum: 5000, default: 1000 },
          },
          required: ['candidate'],
        }),
        responses: {
          ...ok('{ summary, items (those that differ, up to 200), mappingId }'),
          ...errors,
        },
      },
    },
    '/api/audit': {
      get: {
        summary: 'The audit log, newest first',
        ...role('admin'),
        parameters: filterParams.filter((p) => p.name === 'from' || p.name === 'to'),
        responses: { ...ok('Entries'), ...errors },
      },
    },
  },
} as const;
