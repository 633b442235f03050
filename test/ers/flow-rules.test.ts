import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import {
  letterSet,
  referrerLetters,
  resumePoint,
  uploadFingerprint,
} from '../../src/ers/flows/index.js';
import { officialExample } from '../support/fhir-shape.js';

const input = (data: string) => ({
  ubrn: '000000070000',
  indexed: '2026-11-25T09:00:00+00:00',
  files: [{ fileName: 'a.txt', contentType: 'text/plain', dataBase64: data }],
});

describe('ers flows: the pure rules', () => {
  it('resumes only the checkpoint of the same referral and files', () => {
    const same = uploadFingerprint(input('YQ=='));
    const saved = { fingerprint: same, uploaded: ['Binary/x'], phase: 'uploading' };
    expect(resumePoint(saved, same, 1).uploaded).to.deep.equal(['Binary/x']);
    const other = uploadFingerprint(input('Yg=='));
    expect(other).to.not.equal(same);
    expect(resumePoint(saved, other, 1)).to.deep.equal({
      fingerprint: other,
      uploaded: [null],
      phase: 'uploading',
    });
  });

  it('links the letters already there plus the new ones, once each, unless told to replace', () => {
    const existing = [{ url: 'Binary/old', description: 'old' }];
    const added = [
      { url: 'Binary/old', description: 'again' },
      { url: 'Binary/new', description: 'new' },
    ];
    expect(letterSet(existing, added, true).map((f) => f.url)).to.deep.equal([
      'Binary/old',
      'Binary/new',
    ]);
    expect(letterSet(existing, added, false).map((f) => f.url)).to.deep.equal([
      'Binary/old',
      'Binary/new',
    ]);
    expect(letterSet(existing, [added[1]!], false).map((f) => f.url)).to.deep.equal(['Binary/new']);
  });

  it('reads the referrer letters of the official A005 example', () => {
    const letters = referrerLetters(officialExample('A005_Response.json'));
    expect(letters.length).to.equal(2);
    expect(letters.every((l) => l.url.startsWith('Binary/'))).to.equal(true);
  });

  it("keeps each current letter's indexed time when A012 sends the set again (NHS's A005)", () => {
    const referral: unknown = JSON.parse(
      readFileSync(
        'test/fixtures/nhs-contract/mocks/retrieveReferralRequest/responses/WithUnavailableAttachments.json',
        'utf8',
      ),
    );
    const letters = referrerLetters(referral);
    expect(letters).to.have.length(3);
    expect(letters.map((l) => l.indexed)).to.deep.equal(Array(3).fill('2021-06-11T12:09:09.459Z'));
  });
});
