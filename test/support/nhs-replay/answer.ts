/**
 * Pure: what NHS's e-RS sandbox answers to one request, by the rules of its scenario index
 * (`rules` in index.json): route by method and path ('$' sent literally or as %24), then the
 * business-function checks, then the operation's selector — exact path, query, A020's headers, or
 * the JSON body deep-equal to a scenario's request file (key order ignored, array order and types
 * significant) — and the operation's no-match answer when nothing matches.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  A020_CONTENT_TYPES,
  contractFile,
  INDEX,
  type Operation,
  type Scenario,
} from './contract.js';

export interface ReplayRequest {
  readonly method: string;
  /** Path below the sandbox app (starting /FHIR/STU3 or /_ping), query string excluded. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
}

export interface ReplayAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** The e-RS operation the route belongs to (null: unknown route). */
  readonly operation: string | null;
  /** The scenario that answered (null: a refusal or no-match answer). */
  readonly scenario: Scenario | null;
  /** Why NHS would refuse it, for test diagnostics. */
  readonly refusal?: string;
}

const REQUEST_ID = '58621d65-d5ad-4c3a-959f-0438e355990e-1';
const JSON_TYPE = 'application/json; charset=utf-8';
const RC = 'REFERRING_CLINICIAN';
const SPCA = 'SERVICE_PROVIDER_CLINICIAN_ADMIN';
/** A010, A011, A021: exactly REFERRING_CLINICIAN picks the RC examples, anything else the RCA ones. */
const RC_MAP_OPERATIONS = new Set(['A010', 'A011', 'A021']);
const A006_ID = /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/i;

const hapiError = (status: number, error: string, message: string): Buffer =>
  Buffer.from(JSON.stringify({ statusCode: status, error, message }));

const templateRegex = (template: string): RegExp =>
  new RegExp(
    `^${template
      .split('/')
      .map((seg) => (/^\{.+\}$/.test(seg) ? '[^/]+' : seg.replace(/[.$]/g, (c) => `\\${c}`)))
      .join('/')}$`,
  );

const ROUTES = Object.entries(INDEX.operations).flatMap(([key, op]) =>
  op.paths.map((template) => ({ key, op, template, regex: templateRegex(template) })),
);

/** Which of the operation's scenarios a request is compared with (its handler's example map). */
function candidates(key: string, businessFunction: string | undefined): Scenario[] {
  const all = INDEX.scenarios.filter((s) => s.operation === key);
  if (!RC_MAP_OPERATIONS.has(key)) return all;
  const rcMap = businessFunction === RC;
  return all.filter(
    (s) => (s.exampleRequestHeaders['NHSD-eRS-Business-Function'] === RC) === rcMap,
  );
}

/** The id in the path is not read by these handlers (index: "ubrn not checked", "none: any ..."). */
const pathIgnored = (op: Operation): boolean =>
  /(ubrn|appointmentId) not checked|^none: any non-empty ubrn/.test(op.responseSelectedBy);

const mediaType = (contentType: string | undefined): string =>
  (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

type Parsed =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly providerError?: ReplayAnswer };

const hapi500 = (): Buffer =>
  hapiError(500, 'Internal Server Error', 'An internal server error occurred');

/**
 * hapi's payload stage, before any handler code (so before the business-function checks):
 * 415 for a type it does not parse, 400 for invalid JSON. A text/plain body reaches the handler
 * as a string; the provider's JSON.parse of it fails later, with a 500.
 */
function parseBody(req: ReplayRequest): Parsed | ReplayAnswer {
  const type = mediaType(req.headers['content-type']);
  const isJson = type === '' || type === 'application/json' || /^application\/.+\+json$/.test(type);
  if (isJson || type === 'text/plain') {
    if (req.body.length === 0) return { ok: false };
    try {
      return { ok: true, value: JSON.parse(req.body.toString('utf8')) };
    } catch {
      if (isJson)
        return error(400, hapiError(400, 'Bad Request', 'Invalid request payload JSON format'));
      return { ok: false, providerError: error(500, hapi500()) };
    }
  }
  const hapiAccepts =
    type.startsWith('text/') ||
    [
      'application/octet-stream',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
    ].includes(type);
  if (hapiAccepts) return { ok: false };
  return error(415, hapiError(415, 'Unsupported Media Type', 'Unsupported Media Type'));
}

function error(status: number, body: Buffer): ReplayAnswer {
  return { status, headers: { 'Content-Type': JSON_TYPE }, body, operation: null, scenario: null };
}

function matchesScenario(s: Scenario, op: Operation, req: ReplayRequest, body: Parsed): boolean {
  switch (s.operation) {
    case 'A006':
      return /\/att-[^/]+$/.test(req.path) || A006_ID.test(req.path.split('/').pop() ?? '');
    case 'A013':
      return req.path === s.path;
    case 'A020':
      return (
        req.body.length > 0 &&
        (req.headers['nhsd-ers-file-name'] ?? '') !== '' &&
        (req.headers['nhsd-ers-referral-id'] ?? '') !== ''
      );
    default:
      break;
  }
  if (!pathIgnored(op) && req.path !== s.path) return false;
  if (s.method === 'GET') return queryMatches(s, req.query);
  if (s.requestBody === null) return true;
  if (!body.ok) return false;
  const expected: unknown = JSON.parse(contractFile(s.requestBody).toString('utf8'));
  return isDeepStrictEqual(body.value, expected);
}

/** Every query parameter the handler compares must be equal; others are not read. */
function queryMatches(s: Scenario, query: URLSearchParams): boolean {
  for (const [name, expected] of Object.entries(s.query ?? {})) {
    const got = query.get(name);
    // NHS compares A015's page loosely (== 1) in the scenarios whose notes say so.
    const loose = name === 'page' && (s.notes ?? '').includes('loose');
    if (loose ? Number(got) !== Number(expected) || got === null : got !== expected) return false;
  }
  return true;
}

function noMatch(key: string, op: Operation, req: ReplayRequest, refusal: string): ReplayAnswer {
  const base = { operation: key, scenario: null, refusal };
  if (key === 'A012' && !/\/00000007000[01]\//.test(req.path))
    return { ...base, ...error(500, hapi500()) };
  const rule = op.onNoMatch;
  if (rule === null) return { ...base, status: 500, headers: {}, body: Buffer.alloc(0) };
  if (rule.status === 500) return { ...base, ...error(500, hapi500()) };
  return {
    ...base,
    status: rule.status,
    headers:
      rule.body === null
        ? { 'X-Request-ID': REQUEST_ID }
        : { 'Content-Type': JSON_TYPE, 'X-Request-ID': REQUEST_ID },
    body: rule.body === null ? Buffer.alloc(0) : contractFile(rule.body),
  };
}

function forbidden(key: string, message: string): ReplayAnswer {
  return {
    status: 403,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'X-Request-ID': REQUEST_ID },
    body: Buffer.from(message),
    operation: key,
    scenario: null,
    refusal: message,
  };
}

/** Business-function rules; they run before any body or parameter matching. */
function businessFunctionRefusal(
  key: string,
  op: Operation,
  req: ReplayRequest,
): ReplayAnswer | undefined {
  const role = req.headers['nhsd-ers-business-function'];
  if (role === undefined || op.allowedBusinessFunctions === null) return undefined;
  if (!op.allowedBusinessFunctions.includes(role))
    return forbidden(key, INDEX.rules.forbiddenMessageByHandler[op.handler] ?? 'SANDBOX_ERROR');
  const onBehalfOf = (req.headers['nhsd-ers-on-behalf-of-user-id'] ?? '') !== '';
  const rules = INDEX.rules.businessFunctionHeader.onBehalfOf;
  if (role === SPCA && !onBehalfOf)
    return forbidden(key, rules.businessFunctionIsSPCAAndHeaderMissing.body);
  if (role !== SPCA && onBehalfOf)
    return forbidden(key, rules.otherBusinessFunctionAndHeaderPresent.body);
  return undefined;
}

function respond(key: string, s: Scenario): ReplayAnswer {
  const body = s.responseBody
    ? contractFile(s.responseBody)
    : Buffer.from(s.responseBodyInline ?? '');
  return {
    status: s.responseStatus,
    headers: { ...s.responseHeaders, 'X-Request-ID': REQUEST_ID, 'Cache-Control': 'no-cache' },
    body,
    operation: key,
    scenario: s,
  };
}

export function answerRequest(req: ReplayRequest): ReplayAnswer {
  const path = req.path.replace(/%24/gi, '$');
  const request = { ...req, path };
  const route = ROUTES.find((r) => r.op.method === req.method && r.regex.test(path));
  if (route === undefined)
    return {
      status: 404,
      headers: { 'Content-Type': JSON_TYPE },
      body: Buffer.from('{"error":"File not found"}'),
      operation: null,
      scenario: null,
      refusal: `no route ${req.method} ${path}`,
    };
  const { key, op } = route;
  // hapi's payload stage runs before the handler and its business-function checks.
  let parsed: Parsed = { ok: false };
  if (key === 'A020') {
    const type = mediaType(req.headers['content-type']);
    if (!A020_CONTENT_TYPES.includes(type))
      return {
        ...error(415, hapiError(415, 'Unsupported Media Type', 'Unsupported Media Type')),
        operation: key,
        refusal: `A020 Content-Type ${type || '(none)'}`,
      };
  } else if (op.method !== 'GET' && req.body.length > 0) {
    const p = parseBody(request);
    if ('status' in p) return { ...p, operation: key, refusal: `body not accepted (${p.status})` };
    parsed = p;
  }
  const refused = businessFunctionRefusal(key, op, request);
  if (refused) return refused;
  const scenarios = candidates(key, req.headers['nhsd-ers-business-function']);
  const found = scenarios.find((s) => matchesScenario(s, op, request, parsed));
  if (found) return respond(key, found);
  if (!parsed.ok && parsed.providerError && scenarios.some((s) => s.requestBody !== null))
    return { ...parsed.providerError, operation: key, refusal: 'text/plain body is not JSON' };
  return noMatch(key, op, request, `no ${key} example matches`);
}
