import { expect } from 'chai';
import { parseHl7, withCommitRequest } from '../../../src/formats/hl7v2/index.js';

describe('hl7v2: withCommitRequest (an ACK sent on the outbound link asks for a commit ACK)', () => {
  it('sets MSH-15 AL and MSH-16 NE, padding a short MSH, and keeps the other segments', () => {
    const ack = 'MSH|^~\\&|BRIDGE|RX1|PAS|RX1|20260101120000||ACK^I12|A1|P|2.4\rMSA|AA|M1';
    const out = withCommitRequest(ack);
    const msg = parseHl7(out);
    expect(msg.segment('MSH', 1)?.field(15)).to.equal('AL');
    expect(msg.segment('MSH', 1)?.field(16)).to.equal('NE');
    expect(msg.segment('MSH', 1)?.field(10)).to.equal('A1');
    expect(out.split('\r')[1]).to.equal('MSA|AA|M1');
  });

  it('uses the message’s own field separator and replaces values already there', () => {
    const ack = 'MSH#^~\\&#A#B#C#D#20260101##ACK#A2#P#2.5###ER#ER#GBR\rMSA#CA#M2';
    const out = withCommitRequest(ack);
    expect(out).to.equal('MSH#^~\\&#A#B#C#D#20260101##ACK#A2#P#2.5###AL#NE#GBR\rMSA#CA#M2');
  });
});
