import { expect } from 'chai';
import { EngineError } from '../../../src/core/errors.js';
import {
  ackCodeFor,
  ackModeOf,
  ackWanted,
  buildAck,
  compileHl7Path,
  hl7Timestamp,
  parseHl7,
  recoverAckTarget,
} from '../../../src/formats/hl7v2/index.js';
import { sample } from './samples.js';

const now = Date.UTC(2026, 10, 25, 9, 15, 0);
const v = (text: string, path: string) => compileHl7Path(path).first(parseHl7(text));
const original = 'MSH|^~\\&|PAS|RXX01|ERS|RXX01|20261125||ADT^A08^ADT_A01|CTRL1|T|2.3.1\rPID|1';

describe('HL7 acknowledgements', () => {
  it('stamps MSH-7 with the second it is given, also for successive seconds and going back', () => {
    expect(hl7Timestamp(now)).to.equal('20261125091500+0000');
    expect(hl7Timestamp(now + 999)).to.equal('20261125091500+0000');
    expect(hl7Timestamp(now + 1000)).to.equal('20261125091501+0000');
    expect(hl7Timestamp(now + 61_000)).to.equal('20261125091601+0000');
    expect(hl7Timestamp(now - 1)).to.equal('20261125091459+0000');
  });

  it('answers with sender and receiver swapped, ACK^trigger^ACK, the version echoed and MSA-2 = MSH-10', () => {
    const msg = parseHl7(sample('ref-i12.hl7'));
    const ack = buildAck(msg, { code: 'CA', controlId: 'A1', now });
    expect(v(ack, 'MSH-3')).to.equal('ERS-BRIDGE');
    expect(v(ack, 'MSH-5')).to.equal('PAS');
    expect(v(ack, 'MSH-6')).to.equal('RXX01');
    expect(v(ack, 'MSH-7')).to.equal('20261125091500+0000');
    expect(v(ack, 'MSH-9')).to.equal('ACK^I12^ACK');
    expect(v(ack, 'MSH-10')).to.equal('A1');
    expect(v(ack, 'MSH-12')).to.equal('2.4');
    expect(v(ack, 'MSH-18')).to.equal('UNICODE UTF-8');
    expect(v(ack, 'MSA-1')).to.equal('CA');
    expect(v(ack, 'MSA-2')).to.equal('PAS0000123');
  });

  it('tells original from enhanced mode by MSH-15/16', () => {
    expect(ackModeOf(parseHl7(original))).to.equal('original');
    expect(ackModeOf(parseHl7(sample('ref-i12.hl7')))).to.equal('enhanced');
  });

  it('uses AA/AE/AR in original mode and CA/CE/CR for commit ACKs in enhanced mode', () => {
    const bad = new EngineError('FORMAT_UNPARSEABLE', 'x');
    const busy = new EngineError('STORE_UNAVAILABLE', 'x');
    expect(ackCodeFor({ mode: 'original', level: 'commit' })).to.equal('AA');
    expect(ackCodeFor({ mode: 'original', level: 'commit', error: bad })).to.equal('AR');
    expect(ackCodeFor({ mode: 'original', level: 'commit', error: busy })).to.equal('AE');
    expect(ackCodeFor({ mode: 'enhanced', level: 'commit' })).to.equal('CA');
    expect(ackCodeFor({ mode: 'enhanced', level: 'commit', error: bad })).to.equal('CR');
    expect(ackCodeFor({ mode: 'enhanced', level: 'commit', error: busy })).to.equal('CE');
    expect(ackCodeFor({ mode: 'enhanced', level: 'application' })).to.equal('AA');
    const missing = new EngineError('MAP_REQUIRED_FIELD_MISSING', 'x');
    expect(ackCodeFor({ mode: 'enhanced', level: 'application', error: missing })).to.equal('AE');
  });

  it('honours the MSH-15/16 conditions AL, NE, ER and SU', () => {
    const withConditions = (c15: string, c16: string) =>
      parseHl7(`MSH|^~\\&|A|B|C|D|1||ADT^A08|1|P|2.5|||${c15}|${c16}`);
    expect(ackWanted(withConditions('AL', 'NE'), 'commit', true)).to.equal(true);
    expect(ackWanted(withConditions('NE', 'AL'), 'commit', true)).to.equal(false);
    expect(ackWanted(withConditions('ER', 'AL'), 'commit', true)).to.equal(false);
    expect(ackWanted(withConditions('ER', 'AL'), 'commit', false)).to.equal(true);
    expect(ackWanted(withConditions('SU', 'SU'), 'application', false)).to.equal(false);
    expect(ackWanted(parseHl7(original), 'application', true)).to.equal(true);
  });

  it('writes an ERR segment with location, table 0357 code, severity and user message', () => {
    const error = new EngineError('MAP_REQUIRED_FIELD_MISSING', 'PID-3 has no NHS number | check', {
      at: 'PID-3[2].1',
    });
    const ack = buildAck(parseHl7(original), { code: 'AE', controlId: 'A2', now, errors: [error] });
    expect(v(ack, 'MSA-1')).to.equal('AE');
    expect(v(ack, 'ERR-2')).to.equal('PID^1^3^2^1');
    expect(v(ack, 'ERR-3')).to.equal('101^Required field missing^HL70357');
    expect(v(ack, 'ERR-4')).to.equal('E');
    expect(v(ack, 'ERR-5.1')).to.equal('MAP_REQUIRED_FIELD_MISSING');
    expect(v(ack, 'ERR-8')).to.equal('PID-3 has no NHS number | check');
    expect(v(ack, 'ERR-1')).to.equal('PID^1^3^101&Required field missing&HL70357');
  });

  it('merges fields and segments from a reply into the ACK', () => {
    const ack = buildAck(parseHl7(sample('ref-i12.hl7')), {
      code: 'AA',
      controlId: 'A3',
      now,
      fields: { 'MSA-3': '000000070000' },
      segments: ['ZRF|1|000000070000'],
    });
    expect(v(ack, 'MSA-3')).to.equal('000000070000');
    expect(v(ack, 'ZRF-2')).to.equal('000000070000');
  });

  it('answers in the sender’s own delimiters', () => {
    const msg = parseHl7('MSH#@*!%#PAS#RXX01#ERS#RXX01#1##REF@I12#C9#P#2.4');
    const ack = buildAck(msg, { code: 'AA', controlId: 'A4', now });
    expect(ack).to.match(/^MSH#@\*!%#ERS#RXX01#PAS#RXX01#/);
    expect(v(ack, 'MSA-2')).to.equal('C9');
  });

  it('recovers the control id of input that does not parse', () => {
    const target = recoverAckTarget(
      'MSH|^~\\&|PAS|RXX01|ERS|RXX01|1||REF^I12|CTRL9|P|2.4\rthis is not a segment',
    );
    expect(target?.controlId).to.equal('CTRL9');
    const nak = buildAck(target!, {
      code: 'AR',
      controlId: 'A5',
      now,
      errors: [
        new EngineError('FORMAT_UNPARSEABLE', 'segment 2 does not start with a segment id', {
          at: 'segment 2',
        }),
      ],
    });
    expect(v(nak, 'MSA-2')).to.equal('CTRL9');
    expect(v(nak, 'ERR-3.1')).to.equal('100');
    expect(v(nak, 'ERR-2')).to.equal(undefined);
  });

  it('recovers nothing from input without an MSH', () => {
    expect(recoverAckTarget('hello')).to.equal(undefined);
  });
  it('copies escaped sender fields into the ACK unchanged', () => {
    const msg = parseHl7('MSH|^~\\&|PAS\\T\\CO|R\\F\\1|ERS|RXX01|1||ADT^A08|C1|P|2.4');
    const ack = buildAck(msg, { code: 'AA', controlId: 'A&1', now });
    expect(v(ack, 'MSH-5')).to.equal('PAS&CO');
    expect(v(ack, 'MSH-6')).to.equal('R|1');
    expect(v(ack, 'MSH-10')).to.equal('A&1');
  });
});
