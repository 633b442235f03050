/**
 * The shipped mappings in a real engine: copying them into a test config folder, the channels
 * that run the REF^I12 → A021 mapping behind an HTTP source, and posting HL7 to that source.
 * Shared by test/mapping and test/admin.
 */
import { appendFileSync, cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../src/engine/engine.js';
import { endpointPort } from './engine-harness.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** Copies the shipped `mappings/` (tables and letter templates too) into a config folder. */
export function copyShippedMappings(configDir: string): void {
  cpSync(join(ROOT, 'mappings'), join(configDir, 'mappings'), { recursive: true });
}

/**
 * Channel `pas`: HTTP source on port 0, the shipped REF^I12 → A021 mapping, the test recorder
 * (import `recorder-destination.js`), quick retries.
 */
export function recorderChannel(options: { readonly workers?: number } = {}): string {
  return `
id: pas
source: { type: http, port: 0 }
transformer:
  type: mapping
  mappings: [mappings/ref-i12-a021.yaml]
destinations:
  - { name: rec, type: test-recorder }
retry: { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 50, jitterRatio: 0 }
${options.workers === undefined ? '' : `workers: ${options.workers}\n`}`;
}

/** Channel `api`: HTTP source on port 0, the mapping `mappings/m.yaml`, answered by its reply section. */
export const REPLY_CHANNEL = `id: api
source: { type: http, port: 0 }
transformer:
  type: mapping
  mappings: [mappings/m.yaml]
destinations:
  - { name: answer, type: reply }
`;

/** Channel `pas-referrals`: HTTP source on port 0, the shipped REF^I12 → A021 mapping, a file destination. */
export function referralsChannel(options: { readonly name?: string } = {}): string {
  return `id: pas-referrals
${options.name === undefined ? '' : `name: ${options.name}\n`}source: { type: http, port: 0 }
transformer: { type: mapping, mappings: [mappings/ref-i12-a021.yaml] }
destinations:
  - { name: out, type: file, folder: out }
`;
}

/** The sample referral, naming a PAS service code the service table does not know yet. */
export const UNKNOWN_SERVICE_HL7 = readFileSync(
  join(ROOT, 'samples/ref-i12-a021/input.hl7'),
  'utf8',
).replace('SVC-00123', 'SVC-00999');

/** Teaches the copied service table the code of UNKNOWN_SERVICE_HL7 (the fix an operator makes). */
export function addUnknownService(configDir: string): void {
  appendFileSync(join(configDir, 'mappings/tables/service.yaml'), '  SVC-00999: "90638"\n');
}

/** The port of a channel's HTTP source: channel `id`, or the first channel. */
export function sourcePort(engine: Pick<Engine, 'channels'>, id?: string): number {
  const channels = engine.channels();
  const channel = id === undefined ? channels[0] : channels.find((c) => c.id === id);
  return endpointPort(channel?.source?.endpoint);
}

/** POSTs an HL7 v2 message to the HTTP source on `port`; the reply as fetch gives it. */
export function postHl7(
  port: number,
  body: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/hl7-v2', ...headers },
    body,
  });
}
