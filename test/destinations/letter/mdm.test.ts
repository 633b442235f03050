import { expect } from 'chai';
import { buildLetterMdm } from '../../../src/destinations/letter/index.js';
import { LetterMdmSchema } from '../../../src/destinations/letter/schema.js';
import { compileHl7Path, parseHl7 } from '../../../src/formats/hl7v2/index.js';
import { renderLetter } from '../../../src/letters/index.js';
import { NOW, pdfPages, sample, templateFile } from '../../letters/pdf-text.js';

const get = (msg: ReturnType<typeof parseHl7>, path: string): string | undefined =>
  compileHl7Path(path).first(msg);

describe('letter destination: MDM^T02 with the PDF in OBX-5', () => {
  it('builds an MDM^T02 whose OBX-5 ED decodes back to the same PDF, text intact', async () => {
    const pdf = await renderLetter(
      templateFile('booked-confirmation'),
      sample('booked-confirmation'),
      {
        now: NOW,
      },
    );
    const text = buildLetterMdm(
      {
        pdf,
        ubrn: '000040009012',
        nhsNumber: '9990000018',
        fileName: 'letter-000040009012-2026-11-25.pdf',
        controlId: 'LTR7.1',
        now: NOW.getTime(),
      },
      LetterMdmSchema.parse({ receivingApplication: 'PAS', receivingFacility: 'RX1' }),
    );
    const msg = parseHl7(text);
    expect(msg.segments.map((s) => s.name)).to.deep.equal([
      'MSH',
      'EVN',
      'PID',
      'PV1',
      'TXA',
      'OBX',
    ]);
    expect(get(msg, 'MSH-9.1')).to.equal('MDM');
    expect(get(msg, 'MSH-9.2')).to.equal('T02');
    expect(get(msg, 'MSH-10')).to.equal('LTR7.1');
    expect(get(msg, 'MSH-5')).to.equal('PAS');
    expect(get(msg, 'PID-3.1')).to.equal('9990000018');
    expect(get(msg, 'PID-3.5')).to.equal('NH');
    expect(get(msg, 'TXA-14.1')).to.equal('000040009012');
    expect(get(msg, 'TXA-16')).to.equal('letter-000040009012-2026-11-25.pdf');
    expect(get(msg, 'OBX-2')).to.equal('ED');
    expect([2, 3, 4].map((c) => get(msg, `OBX-5.${c}`))).to.deep.equal(['AP', 'PDF', 'Base64']);
    const decoded = Buffer.from(get(msg, 'OBX-5.5') ?? '', 'base64');
    expect(decoded.equals(pdf)).to.equal(true);
    expect(pdfPages(decoded)[0]).to.include('Tuesday 15 December 2026');
  });

  it('leaves PID-3 empty when the NHS number is not known', () => {
    const msg = parseHl7(
      buildLetterMdm(
        {
          pdf: Buffer.from('%PDF-1.3\n'),
          ubrn: '000040009012',
          nhsNumber: undefined,
          fileName: 'x.pdf',
          controlId: 'LTR1.1',
          now: NOW.getTime(),
        },
        LetterMdmSchema.parse({}),
      ),
    );
    expect(get(msg, 'PID-3.1') ?? '').to.equal('');
    expect(get(msg, 'MSH-3')).to.equal('ERS-BRIDGE');
  });
});
