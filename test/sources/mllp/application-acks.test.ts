/**
 * Application ACKs through a real engine against the embedded e-RS sandbox, slowed down with its
 * latency fault past the channel's applicationTimeoutMs: every MSH-15/16 combination gets what
 * it asks for on its connection, and the outcome follows to a PAS listener (ack.lateReplies).
 */
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import type { RunningEngine } from '../../../src/main/run.js';
import { frameMllp, MllpDecoder } from '../../../src/sources/mllp/index.js';
import { copyMappings, startPas } from '../../mapping/e2e-support.js';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../../support/engine-harness.js';
import { ackValue } from './support.js';

const REPO = process.cwd();
const LATENCY_MS = 1500;

const channel = (ack: string): string => `id: pas-inbound
source:
  type: mllp
  host: 127.0.0.1
  port: 0
  ack: ${ack}
  orderingKey: [] # independent referrals: let them run side by side
transformer:
  type: mapping
  mappings: [mappings/ref-i12-a021.yaml]
destinations:
  - { name: ers, type: ers }
  - { name: reply, type: reply }
retry: { maxAttempts: 5, initialDelayMs: 20, maxDelayMs: 2000, jitterRatio: 0 }
workers: 32
`;

/** The A021 sample with its own MSH-10 and the given MSH-15 / MSH-16. */
function referral(controlId: string, msh15: string, msh16: string): string {
  const text = readFileSync(join(REPO, 'samples', 'ref-i12-a021', 'input.hl7'), 'utf8');
  const [msh, ...rest] = text.split('\r');
  const fields = (msh ?? '').split('|');
  fields[9] = controlId;
  fields[14] = msh15;
  fields[15] = msh16;
  return [fields.join('|'), ...rest].join('\r');
}

interface Sender {
  readonly replies: string[];
  readonly socket: Socket;
}

function sendOn(port: number, text: string): Sender {
  const socket = connect(port, '127.0.0.1');
  const decoder = new MllpDecoder(1 << 24);
  const replies: string[] = [];
  socket.on('data', (d: Buffer) => {
    for (const e of decoder.push(d)) if (e.kind === 'frame') replies.push(e.payload.toString());
  });
  socket.on('error', () => undefined);
  socket.write(frameMllp(text));
  return { replies, socket };
}

/** What the connection and the PAS hear when the outcome (success) comes after the timeout. */
type Heard = 'AA PENDING' | 'CA PENDING' | 'CA' | 'nothing';
const EXPECTED: Record<string, [connection: Heard, late: 'AA' | 'nothing']> = {
  // original mode
  '/': ['AA PENDING', 'AA'],
  // MSH-16 AL (or empty in enhanced mode, which means AL): the sender waits for the outcome
  'AL/AL': ['CA PENDING', 'AA'],
  'NE/AL': ['CA PENDING', 'AA'],
  'ER/AL': ['CA PENDING', 'AA'],
  'SU/AL': ['CA PENDING', 'AA'],
  '/AL': ['CA PENDING', 'AA'],
  'AL/': ['CA PENDING', 'AA'],
  'NE/': ['CA PENDING', 'AA'],
  'ER/': ['CA PENDING', 'AA'],
  'SU/': ['CA PENDING', 'AA'],
  // MSH-16 NE: commit ACK only, as MSH-15 asks
  'AL/NE': ['CA', 'nothing'],
  '/NE': ['CA', 'nothing'],
  'NE/NE': ['nothing', 'nothing'],
  'ER/NE': ['nothing', 'nothing'],
  'SU/NE': ['CA', 'nothing'],
  // MSH-16 SU: the success follows; MSH-15 decides whether the connection hears the interim
  'AL/SU': ['CA PENDING', 'AA'],
  '/SU': ['CA PENDING', 'AA'],
  'SU/SU': ['CA PENDING', 'AA'],
  'NE/SU': ['nothing', 'AA'],
  'ER/SU': ['nothing', 'AA'],
  // MSH-16 ER: a success is not reported
  'AL/ER': ['CA PENDING', 'nothing'],
  '/ER': ['CA PENDING', 'nothing'],
  'SU/ER': ['CA PENDING', 'nothing'],
  'NE/ER': ['nothing', 'nothing'],
  'ER/ER': ['nothing', 'nothing'],
};

function heard(replies: readonly string[]): Heard {
  if (replies.length === 0) return 'nothing';
  expect(replies).to.have.length(1);
  const ack = replies[0]!;
  const code = ackValue(ack, 'MSA-1');
  if (ackValue(ack, 'MSA-3') !== 'PENDING') return code as Heard;
  expect(ackValue(ack, 'ERR-4')).to.equal('I');
  expect(ackValue(ack, 'ERR-5.1')).to.equal('OUTCOME_PENDING');
  return `${code} PENDING` as Heard;
}

describe('MLLP application ACKs under e-RS latency above applicationTimeoutMs (sandbox)', () => {
  let h: Harness;
  let pas: Awaited<ReturnType<typeof startPas>>;
  beforeEach(async () => {
    h = createHarness();
    copyMappings(h);
    writeFileSync(
      join(h.configDir, 'mappings', 'tables', 'service.yaml'),
      'unmapped: error\nentries:\n  SVC-00123: "11004"\n', // NHS's triage service (default world)
    );
    pas = await startPas();
  });
  afterEach(async () => {
    await h.cleanup();
    await pas.close();
  });

  async function start(ack: string): Promise<{ running: RunningEngine; port: number }> {
    h.writeChannel('pas-inbound.yaml', channel(ack));
    const running = await h.start('sandbox: { enabled: true, port: 0 }\n');
    return { running, port: endpointPort(running.engine.channels()[0]?.source?.endpoint) };
  }

  async function faults(running: RunningEngine, body: unknown): Promise<void> {
    const url = running.engine.services.sandbox?.url ?? '';
    const r = await fetch(`${url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(r.status).to.equal(200);
  }

  const lateFor = (controlId: string): string[] =>
    pas.received.filter((m) => ackValue(m, 'MSA-2') === controlId);

  it('answers every MSH-15/16 combination as it asks, and sends each wanted outcome to the PAS', async () => {
    const { running, port } = await start(
      `{ mode: application, applicationTimeoutMs: 300, lateReplies: { host: 127.0.0.1, port: ${pas.port} } }`,
    );
    await faults(running, { latencyMs: LATENCY_MS });
    const combos = Object.keys(EXPECTED);
    const senders = combos.map((combo, i) => {
      const [msh15, msh16] = combo.split('/') as [string, string];
      return sendOn(port, referral(`MX${i}`, msh15, msh16));
    });
    try {
      const all = await eventually(async () => {
        const list = await running.store.list({ channel: 'pas-inbound' });
        return list.length === combos.length && list.every((m) => m.status === 'SENT')
          ? list
          : undefined;
      }, 25_000);
      expect(all).to.have.length(combos.length);
      // A sentinel outcome sent after all others: once it reached the PAS, so did theirs.
      const sentinel = sendOn(port, referral('SENTINEL', '', ''));
      await eventually(() => lateFor('SENTINEL').length === 1, 25_000);
      sentinel.socket.destroy();
      const got = combos.map((combo, i) => [
        combo,
        heard(senders[i]!.replies),
        lateFor(`MX${i}`).length === 0 ? 'nothing' : ackValue(lateFor(`MX${i}`)[0]!, 'MSA-1'),
      ]);
      expect(got).to.deep.equal(combos.map((c) => [c, ...EXPECTED[c]!]));
      // A late ACK carries the UBRN e-RS assigned, and asks the PAS for a commit ACK.
      const late = lateFor('MX0')[0]!;
      expect(ackValue(late, 'MSA-3')).to.match(/\d{12}/);
      expect(ackValue(late, 'MSH-15')).to.equal('AL');
      // A resend of the same message now gets the outcome, not the interim answer.
      const stored = await running.store.findByControlId('pas-inbound', 'PAS/RXX01', 'MX0');
      expect(ackValue(stored!.reply!, 'MSA-3')).to.equal(ackValue(late, 'MSA-3'));
      expect(ackValue(stored!.reply!, 'MSH-15')).to.equal(undefined);
    } finally {
      for (const s of senders) s.socket.destroy();
    }
  });

  it('answers the interim ACK at once when the e-RS call is throttled (QUEUED), then sends the outcome', async () => {
    // The timeout is far beyond the test's: only the QUEUED status can bring the answer.
    const { running, port } = await start(
      `{ mode: application, applicationTimeoutMs: 600000, lateReplies: { host: 127.0.0.1, port: ${pas.port} } }`,
    );
    await faults(running, { failNext: [{ status: 429, retryAfterSeconds: 1 }] });
    const sender = sendOn(port, referral('THROTTLED', '', ''));
    try {
      await eventually(() => sender.replies.length === 1, 20_000);
      expect(heard(sender.replies)).to.equal('AA PENDING');
      await eventually(() => lateFor('THROTTLED').length === 1, 20_000);
      expect(ackValue(lateFor('THROTTLED')[0]!, 'MSA-1')).to.equal('AA');
    } finally {
      sender.socket.destroy();
    }
  });

  it('sends the outcome owed before a restart once the engine runs again', async () => {
    const ack = `{ mode: application, applicationTimeoutMs: 300, lateReplies: { host: 127.0.0.1, port: ${pas.port} } }`;
    const { running, port } = await start(ack);
    await faults(running, { latencyMs: LATENCY_MS });
    const sender = sendOn(port, referral('RESTART1', '', ''));
    await eventually(() => sender.replies.length === 1, 20_000);
    sender.socket.destroy();
    expect(heard(sender.replies)).to.equal('AA PENDING');
    // Stopped while the e-RS call is still out: the listener is gone before the outcome comes.
    await running.stop();
    expect(lateFor('RESTART1')).to.deep.equal([]);
    await h.start('sandbox: { enabled: true, port: 0 }\n');
    await eventually(() => lateFor('RESTART1').length === 1, 20_000);
    expect(ackValue(lateFor('RESTART1')[0]!, 'MSA-1')).to.equal('AA');
    expect(ackValue(lateFor('RESTART1')[0]!, 'MSA-3')).to.match(/\d{12}/);
  });

  it('sends a late failure to a sender that asked for application ACKs on error only', async () => {
    const { running, port } = await start(
      `{ mode: application, applicationTimeoutMs: 300, lateReplies: { host: 127.0.0.1, port: ${pas.port} } }`,
    );
    await faults(running, {
      latencyMs: LATENCY_MS,
      failNext: [{ status: 422, code: 'PATIENT_ERROR', diagnostics: 'no such patient' }],
    });
    const sender = sendOn(port, referral('LATEFAIL', 'NE', 'ER'));
    try {
      await eventually(() => lateFor('LATEFAIL').length === 1, 20_000);
      const late = lateFor('LATEFAIL')[0]!;
      expect(['AE', 'AR']).to.include(ackValue(late, 'MSA-1'));
      expect(ackValue(late, 'ERR-4')).to.equal('E');
      expect(sender.replies).to.deep.equal([]);
    } finally {
      sender.socket.destroy();
    }
  });
});
