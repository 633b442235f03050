import { expect } from 'chai';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import '../../support/recorder-destination.js';
import { recorded, resetRecorder } from '../../support/recorder-destination.js';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../../support/engine-harness.js';
import { hashSearchValue } from '../../../src/store/search-keys.js';
import type { MessageStore, StoredMessage } from '../../../src/core/store-types.js';

const root = join(import.meta.dirname, '..', '..', '..');

const dropChannel = (
  id: string,
  options: string,
  destination = '{ name: rec, type: test-recorder }',
) => `
id: ${id}
source: { type: file, folder: ${id}, pollIntervalMs: 50, stableMs: 100, ${options} }
destinations:
  - ${destination}
`;

/** Every stored message of a channel, oldest first. */
async function storedOf(store: MessageStore, channel: string): Promise<StoredMessage[]> {
  const summaries = await store.list({ channel, limit: 1000 });
  const all = await Promise.all(summaries.map((s) => store.get(s.id)));
  return all.filter((m): m is StoredMessage => m !== undefined).sort((a, b) => a.id - b.id);
}

/** Sends one HL7 message over a real MLLP connection and waits for its ACK. */
function sendMllp(port: number, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        Buffer.concat([Buffer.from([0x0b]), Buffer.from(message), Buffer.from([0x1c, 0x0d])]),
      );
    });
    let answer = '';
    socket.on('data', (d) => {
      answer += d.toString('latin1');
      if (answer.includes('\x1c\r')) {
        socket.end();
        resolve(answer);
      }
    });
    socket.on('error', reject);
  });
}

describe('sources/file-drop: ordering and search keys', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    resetRecorder();
  });
  afterEach(() => h.cleanup());

  it("runs the shipped batch's S12 book and S15 cancel for one UBRN one after the other", async () => {
    // The S12 fails (the recorder fails bodies containing "fail") and is retried once after a
    // pause: the S15 of the same UBRN must wait for it, not overtake it.
    const batch = readFileSync(join(root, 'samples', 'hl7', 'batch.hl7'), 'latin1').replace(
      'NTE|1||Bring current medication list',
      'NTE|1||fail',
    );
    expect(batch.match(/NTE\|1\|\|fail/g)).to.have.length(1);
    h.writeChannel(
      'b.yaml',
      `${dropChannel('batch', 'format: hl7-batch', '{ name: rec, type: test-recorder, failWith: DEST_UNAVAILABLE }')}retry: { maxAttempts: 2, initialDelayMs: 400, maxDelayMs: 400, multiplier: 1, jitterRatio: 0 }\nworkers: 4\n`,
    );
    mkdirSync(join(h.dataDir, 'batch'), { recursive: true });
    const running = await h.start();
    writeFileSync(join(h.dataDir, 'batch', 'batch.hl7'), Buffer.from(batch, 'latin1'));
    const messages = await eventually(async () => {
      const all = await storedOf(running.store, 'batch');
      return all.length === 3 && all.every((m) => ['SENT', 'DEAD'].includes(m.status))
        ? all
        : undefined;
    }, 20_000);
    const [, s12, s15] = messages;
    expect(s12?.status).to.equal('DEAD');
    expect(s15?.status).to.equal('SENT');
    // The S15 was sent after the S12's last attempt ended, never while it was still queued.
    const s12End = (await running.store.events(s12!.id)).at(-1)!.id;
    const s15Sent = (await running.store.events(s15!.id)).find((e) => e.status === 'SENT')!.id;
    expect(s15Sent).to.be.greaterThan(s12End);
    expect(s12?.orderingKey).to.be.a('string').and.equal(s15?.orderingKey);
    expect(s12?.searchKeys).to.include({ ubrn: '000000070000' });
    expect(s12?.searchKeys['nhsNumberHash']).to.equal(hashSearchValue('9912003888'));
    expect([s12?.messageType, s15?.messageType]).to.deep.equal(['SIU^S12', 'SIU^S15']);
  });

  it('keys CSV rows on the hashed, normalised NHS number: the key MLLP gives the same patient', async () => {
    h.writeChannel('c.yaml', dropChannel('csv', 'format: csv'));
    h.writeChannel(
      'm.yaml',
      'id: pas\nsource: { type: mllp, port: 0 }\ndestinations:\n  - { name: rec, type: test-recorder }\n',
    );
    mkdirSync(join(h.dataDir, 'csv'), { recursive: true });
    const running = await h.start();
    const port = endpointPort(
      running.engine.channels().find((c) => c.id === 'pas')?.source?.endpoint,
    );
    const ack = await sendMllp(
      port,
      'MSH|^~\\&|PAS|RXX01|ERS|RXX01|20261125101500||ADT^A04^ADT_A01|K-1|P|2.4\rPID|1||9912003896^^^NHS^NH||Test^Patient\r',
    );
    expect(ack).to.include('MSA|AA|K-1');
    writeFileSync(
      join(h.dataDir, 'csv', 'spaced.csv'),
      'nhs_number,priority\r\n991 200 3896,ROUTINE\r\n9912003896,URGENT\r\n999-123-4564,ROUTINE\r\n',
    );
    const rows = await eventually(async () => {
      const all = await storedOf(running.store, 'csv');
      return all.length === 3 ? all : undefined;
    });
    const [mllp] = await storedOf(running.store, 'pas');
    expect(mllp?.orderingKey).to.be.a('string');
    expect(rows[0]?.orderingKey).to.equal(mllp?.orderingKey);
    expect(rows[1]?.orderingKey).to.equal(mllp?.orderingKey);
    expect(rows[2]?.orderingKey).to.not.equal(mllp?.orderingKey);
    expect(rows.map((r) => r.orderingKey).join()).to.not.include('9912003896');
    expect(rows[0]?.searchKeys).to.deep.equal({ nhsNumberHash: hashSearchValue('9912003896') });
    // The admin search by NHS number (a search key) finds both rows of the patient.
    const found = await running.store.list({
      channel: 'csv',
      searchKey: { name: 'nhsNumberHash', value: hashSearchValue('9912003896') },
    });
    expect(found).to.have.length(2);
  });

  it('keys XML drops on the UBRN, else the NHS number, and makes both searchable', async () => {
    h.writeChannel('x.yaml', dropChannel('xml', 'format: xml, xmlSplitElement: referral'));
    mkdirSync(join(h.dataDir, 'xml'), { recursive: true });
    const running = await h.start();
    writeFileSync(
      join(h.dataDir, 'xml', 'two.xml'),
      '<referrals><referral><ubrn>000000070000</ubrn><patient><nhsNumber>9912003896</nhsNumber></patient></referral>' +
        '<referral><patient><nhsNumber>991 200 3896</nhsNumber></patient></referral></referrals>',
    );
    const [first, second] = await eventually(async () => {
      const all = await storedOf(running.store, 'xml');
      return all.length === 2 ? all : undefined;
    });
    expect(first?.searchKeys).to.deep.include({
      ubrn: '000000070000',
      nhsNumberHash: hashSearchValue('9912003896'),
    });
    expect(second?.searchKeys).to.deep.include({ nhsNumberHash: hashSearchValue('9912003896') });
    expect(first?.orderingKey).to.be.a('string').with.length(32);
    expect(second?.orderingKey).to.be.a('string').with.length(32);
    // UBRN first: the two differ, and the second (no UBRN) is the NHS number's key.
    expect(first?.orderingKey).to.not.equal(second?.orderingKey);
    expect(second?.orderingKey).to.equal(hashSearchValue('9912003896').slice(0, 32));
    await eventually(() => recorded.length === 2 || undefined);
  });
});
