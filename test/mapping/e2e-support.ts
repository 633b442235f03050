/**
 * For the end-to-end mapping tests: calls the engine's embedded sandbox directly (platform-style
 * headers, any business function) to put referrals in the state a PAS message expects, and reads
 * their state back. Requests are built by the real operation builders.
 */
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { OPERATIONS, type OperationId } from '../../src/ers/operations/index.js';
import { buildAck, parseHl7 } from '../../src/formats/hl7v2/index.js';
import { frameMllp, MllpDecoder } from '../../src/sources/mllp/index.js';
import type { RunningEngine } from '../../src/main/run.js';
import { endpointPort, type Harness } from '../support/engine-harness.js';
import { copyShippedMappings } from '../support/mapping-fixtures.js';
import { exchange } from '../sources/mllp/support.js';

export const REPO = process.cwd();
export const RC = 'REFERRING_CLINICIAN';
export const SPC = 'SERVICE_PROVIDER_CLINICIAN';

/** Engine settings: the embedded sandbox, the engine's e-RS calls made with this role. */
export const sandboxSettings = (businessFunction: string): string =>
  [
    'sandbox: { enabled: true, port: 0 }',
    `ers: { auth: { mode: platform, accessToken: sandbox-access-token, businessFunction: ${businessFunction}, odsCode: R69 } }`,
  ].join('\n');

export function copyMappings(h: Harness): void {
  copyShippedMappings(h.configDir);
}

export interface Sandbox {
  call(
    id: OperationId,
    input: unknown,
    businessFunction?: string,
  ): Promise<{ status: number; body: Record<string, unknown>; location: string | null }>;
  /** Creates a referral (A011, or A021 for a triage service) and returns its UBRN. */
  createReferral(nhsNumber: string, serviceId: string, triage: boolean): Promise<string>;
  referral(
    ubrn: string,
  ): Promise<{ state: string; version: string; letters: number; letterUrls: string[] }>;
}

export function sandboxOf(running: RunningEngine): Sandbox {
  const url = running.engine.services.sandbox?.url;
  if (url === undefined) throw new Error('the engine runs no sandbox');
  const base = `${url.replace(/\/+$/, '')}/FHIR/STU3`;
  const call: Sandbox['call'] = async (id, input, businessFunction = RC) => {
    const op = OPERATIONS[id];
    const request = (op.build as (i: unknown) => ReturnType<typeof op.build>)(
      op.input.parse(input),
    );
    const response = await fetch(`${base}${request.path}`, {
      method: request.method,
      headers: {
        Authorization: 'Bearer sandbox-access-token',
        'NHSD-eRS-Business-Function': businessFunction,
        'NHSD-End-User-Organisation-ODS': 'R69',
        'Content-Type': request.bytes?.contentType ?? 'application/fhir+json',
        Accept: 'application/fhir+json',
        ...request.headers,
      },
      ...(request.body ? { body: JSON.stringify(request.body) } : {}),
      ...(request.bytes ? { body: new Uint8Array(request.bytes.data) } : {}),
    });
    const text = await response.text();
    const json = response.headers.get('content-type')?.includes('json') === true && text !== '';
    return {
      status: response.status,
      body: (json ? JSON.parse(text) : {}) as Record<string, unknown>,
      location: response.headers.get('location'),
    };
  };
  return {
    call,
    async createReferral(nhsNumber, serviceId, triage) {
      const r = await call(triage ? 'A021' : 'A011', {
        nhsNumber,
        priority: 'ROUTINE',
        serviceIds: [serviceId],
        letterIntention: triage ? 'NEED_TO_ADD_LATER' : 'NOT_INTENDING_TO_ADD',
      });
      if (r.status !== 201) throw new Error(`referral not created: ${JSON.stringify(r.body)}`);
      return String(r.body['id']);
    },
    async referral(ubrn) {
      const r = await call('A005', { ubrn });
      const ext = (r.body['extension'] ?? []) as {
        url?: string;
        extension?: { valueCoding?: { code?: string } }[];
      }[];
      const state =
        ext.find((e) => e.url?.includes('ReferralState'))?.extension?.[0]?.valueCoding?.code ?? '';
      const version = (r.body['meta'] as { versionId?: string } | undefined)?.versionId ?? '';
      const contained = (r.body['contained'] ?? []) as {
        resourceType?: string;
        content?: { attachment?: { url?: string } }[];
      }[];
      const docs = contained.filter((c) => c.resourceType === 'DocumentReference');
      const letterUrls = docs.map((d) => d.content?.[0]?.attachment?.url ?? '');
      return { state, version, letters: docs.length, letterUrls };
    },
  };
}

/**
 * A sample HL7 message (`samples/hl7/<file>`, or a path below samples/) asking for an
 * application ACK (MSH-16 AL), with text replaced.
 */
export function sample(file: string, replace: Record<string, string> = {}): string {
  const path = file.includes('/')
    ? join(REPO, 'samples', file)
    : join(REPO, 'samples', 'hl7', file);
  let text = readFileSync(path, 'utf8').replace('|AL|NE|', '|AL|AL|');
  for (const [from, to] of Object.entries(replace)) text = text.replaceAll(from, to);
  return text;
}

/** Sends one message to the channel's MLLP source and returns the application ACK. */
export async function send(running: RunningEngine, text: string): Promise<string> {
  const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
  const { replies } = await exchange(port, [frameMllp(text)], { expect: 1, timeoutMs: 25_000 });
  const ack = replies[0];
  if (ack === undefined) throw new Error('no ACK');
  return ack;
}

/** A PAS stand-in: a real MLLP listener that keeps every message and answers AA. */
export async function startPas(): Promise<{
  port: number;
  received: string[];
  close(): Promise<void>;
}> {
  const received: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const decoder = new MllpDecoder(1 << 24);
    socket.on('data', (chunk: Buffer) => {
      for (const e of decoder.push(chunk)) {
        if (e.kind !== 'frame') continue;
        received.push(e.payload.toString('utf8'));
        const ack = buildAck(parseHl7(e.payload), {
          code: 'AA',
          controlId: 'PAS1',
          now: Date.now(),
        });
        socket.write(frameMllp(ack));
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => {
          r();
        });
        for (const s of sockets) s.destroy();
      }),
  };
}
