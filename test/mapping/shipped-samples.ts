/**
 * The shipped samples and channels for the end-to-end sample tests: every message of every
 * shipped HL7 sample file, the shipped pas-inbound and csv-referrals channels with only ports,
 * folders and retry timings changed, and how to wait for the messages' final status.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { splitHl7Batch } from '../../src/formats/hl7v2/index.js';
import type { RunningEngine } from '../../src/main/run.js';
import { eventually } from '../support/engine-harness.js';
import { REPO } from './e2e-support.js';

export const SAMPLES = join(REPO, 'samples');

/** Shipped HL7 messages that are not PAS → e-RS messages, and why (no shipped mapping applies). */
export const NOT_FOR_ERS: Readonly<Record<string, string>> = {
  'hl7/adt-a04.hl7#1': 'ADT registration: no e-RS operation',
  'hl7/adt-a08.hl7#1': 'ADT update: no e-RS operation',
  'hl7/siu-s14.hl7#1': 'a plain appointment modification (no deferral reason in SCH-6)',
  'hl7/rri-i12.hl7#1': 'the RRI^I12 ers-bridge sends to the PAS, not one it receives',
  'hl7/batch.hl7#1': 'ADT registration inside the batch',
};

const fast = (yaml: string): string =>
  yaml.replace(
    /retry:\n.*\n/,
    'retry: { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 50, jitterRatio: 0 }\n',
  );

export const pasInbound = fast(
  readFileSync(join(REPO, 'channels', 'pas-inbound.yaml'), 'utf8')
    .replace('port: ${ERS_BRIDGE_MLLP_PORT:-2575}', 'port: 0')
    .replace('applicationTimeoutMs: 10000', 'applicationTimeoutMs: 25000'),
);

/**
 * The shipped pas-inbound channel; for a mapping's own sample (samples/<id>/input.hl7) with that
 * mapping tried first, so an optional mapping (ref-i12-a011-triage) is the one exercised.
 */
export function channelFor(file: string): string {
  const id = /^([a-z0-9-]+)\/input\.hl7$/.exec(file)?.[1];
  if (id === undefined || id === 'hl7') return pasInbound;
  return pasInbound.replace('  mappings:\n', `  mappings:\n    - mappings/${id}.yaml\n`);
}

export const csvReferrals = (folder: string): string =>
  fast(
    readFileSync(join(REPO, 'channels', 'csv-referrals.yaml'), 'utf8')
      .replace('folder: drop/referrals', `folder: ${folder}`)
      .replace('pollIntervalMs: 1000', 'pollIntervalMs: 50')
      .replace('stableMs: 2000', 'stableMs: 0')
      .replace('folder: out/referrals', `folder: ${folder}-out`),
  );

export interface SampleMessage {
  readonly key: string;
  readonly file: string;
  readonly text: string;
}

function hl7Files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return hl7Files(path);
    return name.endsWith('.hl7') ? [path] : [];
  });
}

/** Each message of each shipped HL7 file, asking for an application ACK where MSH-16 says NE. */
export const messages: SampleMessage[] = hl7Files(SAMPLES).flatMap((path) =>
  splitHl7Batch(readFileSync(path, 'utf8')).messages.map((m) => ({
    key: `${relative(SAMPLES, path)}#${m.index}`,
    file: relative(SAMPLES, path),
    text: m.raw.replace('|AL|NE|', '|AL|AL|'),
  })),
);
export const forErs = messages.filter((m) => NOT_FOR_ERS[m.key] === undefined);
export const files = [...new Set(forErs.map((m) => m.file))];

export async function finalStatus(running: RunningEngine, count: number): Promise<string[]> {
  return eventually(async () => {
    const list = await running.store.list({});
    const done = list.filter((m) => ['SENT', 'ERROR', 'NEEDS_REVIEW'].includes(m.status));
    return list.length === count && done.length === count ? list : undefined;
  }, 30_000).then(async (list) =>
    Promise.all(
      list.map(async (m) => {
        const stored = await running.store.get(m.id);
        return `${m.status}${stored?.error ? ` ${stored.error.code}: ${stored.error.message}` : ''}`;
      }),
    ),
  );
}
