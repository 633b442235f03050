/**
 * Two engine processes share one PostgreSQL store. PAS feeds send 10,000 HL7 messages over MLLP,
 * alternating between the instances; one instance is SIGKILLed halfway and the feeds resend what
 * it did not acknowledge to the survivor, as a PAS would. Every message must then be processed
 * exactly once, and the messages of each patient in the order they were sent.
 */
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { frameMllp, MllpDecoder } from '../../src/formats/mllp/framing.js';
import { freePort, startEngineProcess } from '../support/engine-process.js';
import { pgCluster } from '../support/pg-cluster.js';

const FEEDS = 20;
const KEYS_PER_FEED = 5;
const PER_FEED = 500; // 20 feeds x 500 = 10,000 messages, 100 patients
const TOTAL = FEEDS * PER_FEED;

/** One MLLP connection used as a PAS does: one message, then wait for its ACK. */
class MllpPeer {
  private readonly decoder = new MllpDecoder(1024 * 1024);
  private waiting: { resolve(ack: string): void; reject(e: Error): void } | undefined;
  private closed: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      for (const e of this.decoder.push(d)) {
        if (e.kind === 'frame') this.settle(undefined, e.payload.toString('utf8'));
      }
    });
    const fail = (): void => {
      this.closed ??= new Error('connection closed');
      this.settle(this.closed);
    };
    socket.on('close', fail);
    socket.on('error', fail);
  }

  static open(port: number): Promise<MllpPeer> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        resolve(new MllpPeer(socket));
      });
      socket.once('error', reject);
    });
  }

  send(message: string): Promise<string> {
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(frameMllp(message));
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private settle(error: Error | undefined, ack?: string): void {
    const w = this.waiting;
    this.waiting = undefined;
    if (w === undefined) return;
    if (error) w.reject(error);
    else w.resolve(ack ?? '');
  }
}

const controlId = (key: number, seq: number): string => `k${key}-${seq}`;
const hl7 = (key: number, seq: number): string =>
  `MSH|^~\\&|PAS|RX1|ERS|NHS|20261125120000||ADT^A08^ADT_A01|${controlId(key, seq)}|P|2.4\r` +
  `PID|1||${9000000000 + key}^^^NHS^NH||Test^Patient${key}\rNTE|1||seq ${seq}\r`;

describe('engine: scale-out on PostgreSQL (two processes, one killed)', () => {
  let dir: string;
  let url: string;
  const children: ChildProcess[] = [];
  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync(join(tmpdir(), 'ers-scale-'));
    url = await (await pgCluster()).freshDatabase();
  });
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  async function startInstance(name: string, port: number): Promise<ChildProcess> {
    const child = await startEngineProcess(join(dir, 'config'), {
      ERS_BRIDGE_MLLP_PORT: String(port),
      ERS_BRIDGE_DATA_DIR: join(dir, `data-${name}`),
      ERS_BRIDGE_INSTANCE_ID: name,
    });
    children.push(child);
    return child;
  }

  it('processes 10,000 messages exactly once, in order per patient, when one instance is killed halfway', async function () {
    this.timeout(180_000);
    const out = join(dir, 'out');
    mkdirSync(join(dir, 'config', 'channels'), { recursive: true });
    writeFileSync(
      join(dir, 'config', 'settings.yaml'),
      `store: "${url}"\nhttp: { port: 0 }\nsandbox: { enabled: false }\nhotReload: false\n` +
        'logging: { level: silent }\nworkers: { pollIntervalMs: 100, leaseMs: 3000, shutdownGraceMs: 1000 }\n',
    );
    writeFileSync(
      join(dir, 'config', 'channels', 'scale.yaml'),
      'id: scale\nworkers: 16\nsource:\n  type: mllp\n  host: 127.0.0.1\n  port: ${ERS_BRIDGE_MLLP_PORT}\n' +
        `destinations:\n  - { name: out, type: file, folder: ${out}, fileName: '{controlId}.hl7' }\n`,
    );
    const [portA, portB] = [await freePort(), await freePort()];
    // Started one after the other: the first creates the schema.
    const a = await startInstance('a', portA);
    await startInstance('b', portB);

    let acked = 0;
    let killed = false;
    const kill = (): void => {
      if (killed) return;
      killed = true;
      a.kill('SIGKILL');
    };
    const feed = async (f: number): Promise<void> => {
      const peers = { a: await MllpPeer.open(portA), b: await MllpPeer.open(portB) };
      let aDown = false;
      for (let i = 0; i < PER_FEED; i++) {
        const key = f * KEYS_PER_FEED + (i % KEYS_PER_FEED);
        const seq = Math.floor(i / KEYS_PER_FEED);
        // Alternate instances message by message, so one patient's messages reach both.
        const useA = i % 2 === 0 && !aDown;
        let ack: string;
        try {
          ack = await (useA ? peers.a : peers.b).send(hl7(key, seq));
        } catch (error) {
          if (!useA) throw error;
          aDown = true; // instance A is gone: resend the unacknowledged message to B
          ack = await peers.b.send(hl7(key, seq));
        }
        expect(ack, `ACK for ${controlId(key, seq)}`).to.match(/MSA\|(AA|CA)\|/);
        if (++acked === TOTAL / 2) kill();
      }
      peers.a.close();
      peers.b.close();
    };
    await Promise.all(Array.from({ length: FEEDS }, (_, f) => feed(f)));
    expect(killed).to.equal(true);

    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      // Wait for the survivor to finish, including the work whose lease the dead instance held.
      const until = Date.now() + 90_000;
      for (;;) {
        const { rows } = await db.query<{ n: string }>(
          "SELECT COUNT(*) AS n FROM messages WHERE status <> 'SENT'",
        );
        if (rows[0]?.n === '0') break;
        if (Date.now() > until) {
          const left = await db.query(
            "SELECT status, error_code, lease_owner, in_flight_destination, COUNT(*) AS n FROM messages WHERE status <> 'SENT' GROUP BY 1, 2, 3, 4",
          );
          throw new Error(`messages never finished: ${JSON.stringify(left.rows)}`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      await checkExactlyOnce(db, out);
      await checkOrderPerPatient(db);
    } finally {
      await db.end();
    }
  });
});

async function checkExactlyOnce(db: pg.Client, out: string): Promise<void> {
  const stored = await db.query<{ n: string; distinct_ids: string }>(
    "SELECT COUNT(*) AS n, COUNT(DISTINCT control_id) AS distinct_ids FROM messages WHERE channel = 'scale'",
  );
  expect(stored.rows[0]).to.deep.equal({ n: String(TOTAL), distinct_ids: String(TOTAL) });
  const sent = await db.query<{ message_id: string; n: string }>(
    "SELECT message_id, COUNT(*) AS n FROM events WHERE status = 'SENT' GROUP BY message_id",
  );
  expect(sent.rows).to.have.length(TOTAL);
  expect(sent.rows.filter((r) => r.n !== '1')).to.deep.equal([]);
  // The effect: one file per message, holding that message (a write the killed instance began
  // may have been repeated by the survivor: same name, same bytes).
  const files = readdirSync(out).filter((f) => !f.startsWith('.'));
  expect(files).to.have.length(TOTAL);
  for (const f of files.slice(0, 200)) {
    const [key, seq] = f
      .replace(/^k|\.hl7$/g, '')
      .split('-')
      .map(Number);
    expect(readFileSync(join(out, f), 'utf8')).to.equal(hl7(key!, seq!));
  }
}

/** Per patient: stored in sending order, and each message's processing began after the previous one's ended. */
async function checkOrderPerPatient(db: pg.Client): Promise<void> {
  const { rows } = await db.query<{
    id: string;
    key: string;
    control_id: string;
    first_event: string;
    last_event: string;
  }>(
    `SELECT m.id, m.ordering_key AS key, m.control_id, MIN(e.id) AS first_event, MAX(e.id) AS last_event
     FROM messages m JOIN events e ON e.message_id = m.id
     GROUP BY m.id ORDER BY m.ordering_key, m.id`,
  );
  const problems: string[] = [];
  for (let i = 1; i < rows.length; i++) {
    const [prev, cur] = [rows[i - 1]!, rows[i]!];
    if (prev.key !== cur.key) continue;
    const seq = (r: typeof cur): number => Number(r.control_id.split('-')[1]);
    if (seq(cur) !== seq(prev) + 1)
      problems.push(`${cur.control_id} stored after ${prev.control_id}`);
    if (Number(cur.first_event) < Number(prev.last_event))
      problems.push(`${cur.control_id} began before ${prev.control_id} finished`);
  }
  expect(problems.slice(0, 10)).to.deep.equal([]);
  expect(new Set(rows.map((r) => r.key)).size).to.equal(FEEDS * KEYS_PER_FEED);
}
