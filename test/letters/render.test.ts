import { expect } from 'chai';
import { EngineError } from '../../src/core/errors.js';
import { renderLetter } from '../../src/letters/index.js';
import { NOW, pdfPages, sample, templateFile } from './pdf-text.js';

function shortlist(count: number): { name: string; address: string; phone: string }[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `Clinic ${String(i + 1).padStart(2, '0')} – Ysbyty Ŵyn`,
    address: `${i + 1} Heol y Llan, Llanfairpwll LL61 5UJ`,
    phone: `01248 ${String(100000 + i)}`,
  }));
}

describe('letters: rendering', () => {
  it('puts the UBRN, password, Welsh patient name and every shortlisted service in the text', async () => {
    const data = sample('appointment-request');
    const [page, ...rest] = pdfPages(
      await renderLetter(templateFile('appointment-request'), data, { now: NOW }),
    );
    expect(rest).to.have.length(0);
    expect(page).to.include('0000 4000 1234');
    expect(page).to.include('k7tz9pq2');
    expect(page).to.include('Siân Llŷr Prŵst');
    expect(page).to.include('12 Ffordd Łŵyd');
    expect(page).to.include('Cardiology – Ysbyty Gwynedd');
    expect(page).to.include('Liverpool Road, Chester CH2 1UL');
    expect(page).to.include('03000 84 77 77');
    expect(page).to.include('Page 1 of 1');
    expect(page).to.include('25 November 2026');
  });

  it('breaks a 30-service shortlist across pages, repeating the table header on each page', async () => {
    const data = { ...sample('appointment-request'), services: shortlist(30) };
    const pages = pdfPages(
      await renderLetter(templateFile('appointment-request'), data, { now: NOW }),
    );
    expect(pages.length).to.be.greaterThanOrEqual(2);
    pages.forEach((page, i) => expect(page).to.include(`Page ${i + 1} of ${pages.length}`));
    const all = pages.join('\n');
    for (const service of shortlist(30)) {
      expect(all.split(service.name).length - 1, service.name).to.equal(1);
      expect(all).to.include(service.phone);
    }
    const withRows = pages.filter((page) => /Clinic \d\d/.test(page));
    expect(withRows.length).to.be.greaterThanOrEqual(2);
    for (const page of withRows) expect(page).to.match(/Service\s+Address\s+Phone/);
    expect(pages.at(-1)).to.include('Outpatient Booking Team');
  });

  it('gives the same bytes for the same input and date, and different bytes for another date', async () => {
    const data = sample('appointment-request');
    const file = templateFile('appointment-request');
    const first = await renderLetter(file, data, { now: NOW });
    const second = await renderLetter(file, data, { now: NOW });
    const later = await renderLetter(file, data, { now: new Date('2026-11-26T09:00:00Z') });
    expect(first.equals(second)).to.equal(true);
    expect(first.equals(later)).to.equal(false);
  });

  for (const name of [
    'appointment-request',
    'triage-summary',
    'booked-confirmation',
    'clinical-information',
  ]) {
    it(`renders the shipped ${name} template with its sample data on one page`, async () => {
      const pages = pdfPages(await renderLetter(templateFile(name), sample(name), { now: NOW }));
      expect(pages).to.have.length(1);
      expect(pages[0]).to.include('Siân Llŷr Prŵst');
      expect(pages[0]).to.match(/0000 4000 \d{4}/);
      expect(pages[0]).to.include('Page 1 of 1');
    });
  }

  it('names the missing placeholder, not the data, when a value is absent', async () => {
    const data = sample('appointment-request');
    const error = await renderLetter(
      templateFile('appointment-request'),
      { ...data, referral: {} },
      { now: NOW },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(EngineError);
    expect((error as EngineError).code).to.equal('LETTER_DATA_MISSING');
    expect((error as EngineError).message).to.include('{{referral.');
    expect((error as EngineError).message).to.not.include('Siân');
  });

  it('fails with LETTER_DATA_MISSING when a service row lacks its phone', async () => {
    const services = [{ name: 'Clinic', address: 'Somewhere' }];
    const error = await renderLetter(
      templateFile('appointment-request'),
      { ...sample('appointment-request'), services },
      { now: NOW },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as EngineError).code).to.equal('LETTER_DATA_MISSING');
    expect((error as EngineError).message).to.include('{{phone}}');
  });
});
