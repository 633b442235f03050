/** The client contract harness: logical inputs → real client → real HTTP server → comparison. */
import { expect } from 'chai';
import { basename } from 'node:path';
import { ErsClient } from '../../../src/ers/client.js';
import { ErsError } from '../../../src/ers/ers-error.js';
import { platformAuth } from '../../../src/ers/auth.js';
import { SANDBOX_DEFAULT_AUTH } from '../../../src/ers/provider.js';
import { defaultCodeSystemBase, environmentOf, stu3Base } from '../../../src/ers/environment.js';
import type { CaptureServer } from './capture.js';
import { contractFile, type Captured, type Scenario } from './capture.js';
import { BODY_INPUTS, fromRequest, type ScenarioInput } from './inputs.js';
import { MORE_BODY_INPUTS } from './inputs-more.js';

const HOSTED = 'https://sandbox.api.service.nhs.uk/referrals/FHIR';
/** The RC/RCA response maps of these handlers are chosen by the business function itself. */
const SELECTED_BY_ROLE = ['A010', 'A011', 'A021'];

/** The scenario's logical input: the table for bodies, NHS's path and query for the rest. */
export function inputOf(s: Scenario): ScenarioInput | undefined {
  if (s.operation === 'A020')
    return {
      operation: 'A020',
      input: {
        fileName: 'upload.txt',
        contentType: 'text/plain',
        // The file being uploaded is the logical input of an upload.
        dataBase64: contractFile(s.requestBody ?? '').toString('base64'),
        ubrn: '000000070000',
      },
    };
  if (s.requestBody !== null)
    return (
      BODY_INPUTS[`${s.operation} ${basename(s.requestBody)}`] ??
      MORE_BODY_INPUTS[`${s.operation} ${basename(s.requestBody)}`]
    );
  const input = fromRequest(s.operation, s.path, s.query ?? {});
  return input === undefined ? undefined : { operation: s.operation, input };
}

/** A client as an engine pointed at NHS's hosted sandbox would build it (our role choice). */
export function contractClient(url: string, as: string | undefined): ErsClient {
  const environment = environmentOf(HOSTED, false);
  return new ErsClient({
    // `…/FHIR`, as the platform documents its base: the client adds `/STU3` once.
    stu3Base: stu3Base(`${url}/FHIR`, 'platform'),
    codeSystemBase: defaultCodeSystemBase(environment, HOSTED),
    auth: platformAuth({
      ...SANDBOX_DEFAULT_AUTH,
      ...(as ? { businessFunction: as, businessFunctionFor: {} } : {}),
    } as Parameters<typeof platformAuth>[0]),
    requestsPerMinute: 100_000,
    timeoutMs: 5000,
  });
}

/** Sends the scenario's input through the client; the request as it arrived. */
export async function sendScenario(
  server: CaptureServer,
  url: string,
  s: Scenario,
): Promise<Captured> {
  server.answerAs(s);
  const client = contractClient(url, inputOf(s)?.as);
  try {
    if (s.id === null) await client.health(s.operation === 'getPing' ? 'ping' : 'status');
    else {
      const entry = inputOf(s);
      if (entry === undefined) throw new Error(`no logical input for ${s.operation} ${s.scenario}`);
      await client.execute(entry.operation, entry.input);
    }
  } catch (error) {
    // NHS's error-selecting scenarios answer 4xx/5xx: only the request is judged here.
    if (!(error instanceof ErsError) || error.status !== s.responseStatus) throw error;
  } finally {
    await client.close();
  }
  expect(server.requests, 'requests sent').to.have.length(1);
  const [captured] = server.requests;
  if (captured === undefined) throw new Error('nothing arrived');
  return captured;
}

/** Everything NHS's sandbox compares, as a list of differences (empty when equal). */
export function differences(s: Scenario, c: Captured): string[] {
  const out: string[] = [];
  const url = new URL(c.url, 'http://x');
  const path = decodeURIComponent(url.pathname);
  if (c.method !== s.method) out.push(`method ${c.method} ≠ ${s.method}`);
  if (path !== s.path) out.push(`path ${path} ≠ ${s.path}`);
  const query = Object.fromEntries(url.searchParams.entries());
  if (JSON.stringify(sorted(query)) !== JSON.stringify(sorted(s.query ?? {})))
    out.push(`query ${JSON.stringify(query)} ≠ ${JSON.stringify(s.query)}`);
  const header = (name: string): string | undefined => {
    const v = c.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(',') : v;
  };
  for (const [name, rule] of Object.entries(s.requestHeaders)) {
    const sent = header(name);
    const example = s.exampleRequestHeaders[name];
    if (name === 'NHSD-eRS-Business-Function') {
      if (sent !== undefined && rule.allowed && !rule.allowed.includes(sent))
        out.push(`business function ${sent} not in ${rule.allowed.join(',')}`);
      if (SELECTED_BY_ROLE.includes(s.operation) && sent !== example)
        out.push(`business function ${String(sent)} ≠ ${String(example)} (selects the example)`);
    } else if (name === 'NHSD-eRS-On-Behalf-Of-User-ID') {
      const spca = header('NHSD-eRS-Business-Function') === 'SERVICE_PROVIDER_CLINICIAN_ADMIN';
      if (spca !== (sent !== undefined)) out.push(`On-Behalf-Of ${String(sent)}`);
    } else if (name === 'Content-Type') {
      if (sent?.split(';')[0] !== example)
        out.push(`Content-Type ${String(sent)} ≠ ${String(example)}`);
    } else if (example !== undefined && sent !== example) {
      out.push(`${name} ${String(sent)} ≠ ${example}`);
    }
  }
  if (s.requestBody === null) {
    if (c.body.length > 0) out.push(`a body was sent: ${c.body.toString('utf8').slice(0, 80)}`);
  } else if (s.requestBody.endsWith('.json')) {
    const expected: unknown = JSON.parse(contractFile(s.requestBody).toString('utf8'));
    let sent: unknown;
    try {
      sent = JSON.parse(c.body.toString('utf8'));
    } catch {
      sent = c.body.toString('utf8');
    }
    try {
      expect(sent).to.deep.equal(expected);
    } catch (error) {
      out.push(`body: ${(error as Error).message.slice(0, 4000)}`);
    }
  } else if (!c.body.equals(contractFile(s.requestBody))) out.push('uploaded bytes differ');
  return out;
}

const sorted = (o: Record<string, string>): [string, string][] =>
  Object.entries(o).sort(([a], [b]) => a.localeCompare(b));
