import { Hl7Client } from '@medplum/hl7';
import { Hl7Message as MedplumMessage } from '@medplum/core';
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import hl7 from 'simple-hl7';
import { SqliteMessageStore } from '../../../src/store/sqlite/index.js';
import { compileHl7Path, parseHl7 } from '../../../src/formats/hl7v2/index.js';
import { sample } from '../../formats/hl7v2/samples.js';
import { ackValue, adt, CHANNEL, exchange, startSource, type RunningSource } from './support.js';
import { frameMllp } from '../../../src/sources/mllp/index.js';

/** Sends one message with simple-hl7 (an MLLP client somebody else wrote), with our own timeout. */
function sendWithSimpleHl7(port: number, message: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = hl7.Server.createTcpClient({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      client.close();
      reject(new Error('no ACK in time'));
    }, timeoutMs);
    client.send(message, (err, ack) => {
      clearTimeout(timer);
      if (err !== null || ack === undefined) reject(err ?? new Error('no ACK'));
      else resolve(ack.toString());
    });
  });
}

describe('MLLP source with independent clients', () => {
  let src: RunningSource;
  beforeEach(async () => {
    src = await startSource();
  });
  afterEach(async () => {
    await src.close();
  });

  it('acknowledges a REF^I12 from simple-hl7 with CA and MSA-2 = its MSH-10', async () => {
    const ack = await sendWithSimpleHl7(src.port, sample('ref-i12.hl7').toString('utf8'));
    expect(ackValue(ack, 'MSA-1')).to.equal('CA');
    expect(ackValue(ack, 'MSA-2')).to.equal('PAS0000123');
    expect(ackValue(ack, 'MSH-9')).to.equal('ACK^I12^ACK');
  });

  it('has committed the message before the ACK arrives, as another connection to the store sees', async () => {
    await sendWithSimpleHl7(src.port, sample('ref-i12.hl7').toString('utf8'));
    const other = new SqliteMessageStore({ file: src.file });
    try {
      const stored = await other.findByControlId(CHANNEL, 'PAS/RXX01', 'PAS0000123');
      expect(stored?.status).to.equal('RECEIVED');
      expect(stored?.messageType).to.equal('REF^I12');
      expect(stored?.raw?.equals(sample('ref-i12.hl7'))).to.equal(true);
    } finally {
      await other.close();
    }
  });

  it('stores a hashed NHS number and ordering key, never the number itself', async () => {
    await sendWithSimpleHl7(src.port, sample('ref-i12.hl7').toString('utf8'));
    const [summary] = await src.store.list({ channel: CHANNEL });
    const stored = await src.store.get(summary!.id);
    const hash = createHash('sha256').update('9912003888').digest('hex');
    expect(stored?.searchKeys).to.deep.equal({ nhsNumberHash: hash });
    expect(stored?.orderingKey).to.equal(hash.slice(0, 32));
    expect(
      JSON.stringify([stored?.searchKeys, stored?.orderingKey, stored?.sourceMeta]),
    ).not.to.include('9912003888');
  });

  it('keys a message that carries a UBRN by the UBRN first', async () => {
    await sendWithSimpleHl7(src.port, sample('siu-s12.hl7').toString('utf8'));
    const stored = await src.store.findByControlId(CHANNEL, 'PAS/RXX01', 'PAS0000124');
    expect(stored?.searchKeys.ubrn).to.equal('000000070000');
    expect(stored?.orderingKey).to.equal(
      createHash('sha256').update('000000070000').digest('hex').slice(0, 32),
    );
    const found = await src.store.list({ searchKey: { name: 'ubrn', value: '000000070000' } });
    expect(found.map((m) => m.id)).to.deep.equal([stored?.id]);
  });

  it('acknowledges 20 concurrent simple-hl7 connections, each message once', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `CONC${i}`);
    const acks = await Promise.all(
      ids.map((id) => sendWithSimpleHl7(src.port, adt(id).trim(), 20_000)),
    );
    expect(acks.map((a) => ackValue(a, 'MSA-2'))).to.deep.equal(ids);
    expect(acks.every((a) => ackValue(a, 'MSA-1') === 'AA')).to.equal(true);
    expect(await src.store.list({ channel: CHANNEL, limit: 100 })).to.have.length(20);
  });

  it('accepts a 2 MB MDM^T02 with a base64 PDF in OBX-5', async () => {
    const pdf = Buffer.alloc(1_500_000, 0x25).toString('base64');
    const text = `MSH|^~\\&|EPR|RXX01|ERS|RXX01|20261125||MDM^T02^MDM_T02|BIG1|P|2.4\rPID|1||9912003888^^^NHS^NH\rTXA|1|CLINLET\rOBX|1|ED|PDF||^application^pdf^Base64^${pdf}||||||F\r`;
    expect(text.length).to.be.greaterThan(2_000_000);
    const ack = await sendWithSimpleHl7(src.port, text, 20_000);
    expect(ackValue(ack, 'MSA-1')).to.equal('AA');
    const stored = await src.store.findByControlId(CHANNEL, 'EPR/RXX01', 'BIG1');
    expect(compileHl7Path('OBX-5.5').first(parseHl7(stored!.raw!))).to.equal(pdf);
  });

  it('reads Windows-1252 bytes sent by @medplum/hl7', async () => {
    const client = new Hl7Client({ host: '127.0.0.1', port: src.port, encoding: 'windows-1252' });
    try {
      const text =
        'MSH|^~\\&|PAS|RXX01|ERS|RXX01|20261125||ADT^A08^ADT_A01|WIN1|P|2.4\rPID|1||9912003888^^^NHS^NH||O’Neill^Zoë';
      const ack = await client.sendAndWait(MedplumMessage.parse(text), {
        timeoutMs: 10_000,
      });
      expect(ack.getSegment('MSA')?.getField(1).toString()).to.equal('AA');
      const stored = await src.store.findByControlId(CHANNEL, 'PAS/RXX01', 'WIN1');
      expect(stored?.raw?.includes(iconv.encode('O’Neill', 'windows-1252'))).to.equal(true);
      expect(compileHl7Path('PID-5').first(parseHl7(stored!.raw!))).to.equal('O’Neill^Zoë');
      expect(stored?.sourceMeta.charset).to.equal('windows-1252');
    } finally {
      await client.close();
    }
  });

  it('accepts a message whose segments end in LF', async () => {
    const { replies } = await exchange(src.port, [frameMllp(sample('adt-a08.hl7'))], { expect: 1 });
    expect(ackValue(replies[0]!, 'MSA-1')).to.equal('AA');
    expect(ackValue(replies[0]!, 'MSA-2')).to.equal('PAS0000128');
  });

  it('accepts a message with a UTF-8 byte order mark before MSH', async () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), sample('adt-a04.hl7')]);
    const { replies } = await exchange(src.port, [frameMllp(bom)], { expect: 1 });
    expect(ackValue(replies[0]!, 'MSA-1')).to.equal('CA');
    const stored = await src.store.findByControlId(CHANNEL, 'PAS/RXX01', 'PAS0000127');
    expect(compileHl7Path('PID-5.1').first(parseHl7(stored!.raw!))).to.equal('Llŷr');
  });

  it('answers a repeated MSH-10 from the same sender with the first ACK and stores it once', async () => {
    const first = await sendWithSimpleHl7(src.port, adt('DUP1').trim());
    const second = await sendWithSimpleHl7(src.port, adt('DUP1').trim());
    expect(ackValue(second, 'MSH-10')).to.equal(ackValue(first, 'MSH-10'));
    expect(ackValue(second, 'MSA-2')).to.equal('DUP1');
    expect(await src.store.list({ channel: CHANNEL })).to.have.length(1);
  });
});
