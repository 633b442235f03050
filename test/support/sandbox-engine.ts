/**
 * A real engine whose `pas-inbound` MLLP channel runs the shipped REF^I12 → A021 mapping and
 * calls the engine's embedded e-RS sandbox: the set-up of the engine tests that need e-RS to
 * answer (or to fail on purpose, through the sandbox's faults).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningEngine } from '../../src/main/run.js';
import { frameMllp } from '../../src/sources/mllp/index.js';
import { exchange } from '../sources/mllp/support.js';
import { endpointPort, type Harness } from './engine-harness.js';
import { copyShippedMappings } from './mapping-fixtures.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** Channel `pas-inbound`: MLLP on port 0, the shipped REF^I12 → A021 mapping, the ers destination. */
const PAS_TO_ERS_CHANNEL = `id: pas-inbound
source: { type: mllp, host: 127.0.0.1, port: 0 }
transformer:
  type: mapping
  mappings: [mappings/ref-i12-a021.yaml]
destinations:
  - { name: ers, type: ers }
`;

/**
 * Puts the shipped mappings (with a service table of one entry: any other code is an error) and
 * the `pas-inbound` channel in the harness's config, then starts its engine with the embedded
 * e-RS sandbox on port 0.
 */
export function startPasToErs(
  h: Harness,
  serviceEntry: { readonly code: string; readonly serviceId: string },
): Promise<RunningEngine> {
  copyShippedMappings(h.configDir);
  writeServiceTable(h.configDir, serviceEntry);
  h.writeChannel('pas-inbound.yaml', PAS_TO_ERS_CHANNEL);
  return h.start('sandbox: { enabled: true, port: 0 }\n');
}

function writeServiceTable(
  configDir: string,
  entry: { readonly code: string; readonly serviceId: string },
): void {
  writeFileSync(
    join(configDir, 'mappings', 'tables', 'service.yaml'),
    `unmapped: error\nentries:\n  ${entry.code}: "${entry.serviceId}"\n`,
  );
}

/** Sets the embedded sandbox's faults (POST /_sandbox/faults), e.g. `{ latencyMs: 2500 }`. */
export async function setSandboxFaults(
  running: RunningEngine,
  faults: Record<string, unknown>,
): Promise<void> {
  await fetch(`${running.engine.services.sandbox?.url ?? ''}/_sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
}

/** Sends the shipped REF^I12 sample to the first channel's MLLP source: the replies (one ACK). */
export async function sendSampleRef(running: RunningEngine): Promise<readonly string[]> {
  const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
  const ref = readFileSync(join(ROOT, 'samples', 'ref-i12-a021', 'input.hl7'), 'utf8');
  const { replies } = await exchange(port, [frameMllp(ref)], { expect: 1 });
  return replies;
}
