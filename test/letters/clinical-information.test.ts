import { expect } from 'chai';
import { renderLetter } from '../../src/letters/index.js';
import { NOW, pdfPages, sample, templateFile } from './pdf-text.js';

const file = templateFile('clinical-information');

describe('letters: the A007 clinical information summary', () => {
  it('shows the UBRN, patient, referrer, service, priority, notes and every attachment', async () => {
    const pages = pdfPages(await renderLetter(file, sample('clinical-information'), { now: NOW }));
    expect(pages).to.have.length(1);
    const page = pages[0] ?? '';
    expect(page).to.include('Referral clinical information summary');
    expect(page).to.include('UBRN 0000 4000 3456');
    expect(page).to.include('Siân Llŷr Prŵst');
    expect(page).to.include('999 000 0018');
    expect(page).to.include('Dr Gwenllïan Øvergaard');
    expect(page).to.include('Meddygfa Llanberis (N81001)');
    expect(page).to.include('Cardiology – Ysbyty Gwynedd');
    expect(page).to.match(/Priority\s+Urgent/);
    expect(page).to.include('exertional chest tightness');
    expect(page).to.include('referral-letter.pdf');
    expect(page).to.include('ecg-2026-11-20.pdf');
  });

  it('says there are no attachments when the list is empty', async () => {
    const data = { ...sample('clinical-information'), attachments: [] };
    const [page] = pdfPages(await renderLetter(file, data, { now: NOW }));
    expect(page).to.include('No clinical attachments are held on this referral.');
  });

  it('flows long clinical notes onto a second page with page numbers on both', async () => {
    const paragraph =
      'Intermittent palpitations with presyncope; Holter monitor booked; family history of ' +
      'sudden cardiac death under 50. ';
    const data = { ...sample('clinical-information'), clinicalNotes: paragraph.repeat(60) };
    const pages = pdfPages(await renderLetter(file, data, { now: NOW }));
    expect(pages.length).to.be.greaterThanOrEqual(2);
    pages.forEach((page, i) => expect(page).to.include(`Page ${i + 1} of ${pages.length}`));
    expect(pages.at(-1)).to.include('ecg-2026-11-20.pdf');
  });
});
