import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileMappingText } from '../../src/mapping/index.js';
import { evaluateThen } from '../../src/mapping/evaluate.js';
import { parseInput } from '../../src/mapping/inputs.js';
import { keptLetters, lettersAlreadyLinked } from '../../src/mapping/resolve.js';

const REPO = process.cwd();
/** NHS's A005 answer for 000000070000: one referrer letter, Binary/19eb7224-…. */
const NHS_UNBOOKED = JSON.parse(
  readFileSync(
    join(REPO, 'test/fixtures/nhs-contract/mocks/retrieveReferralRequest/responses/Unbooked.json'),
    'utf8',
  ),
) as unknown;
const ON_REFERRAL = 'Binary/19eb7224-dff3-4730-a5cb-67eac811f1a5';

const compile = (text: string) =>
  compileMappingText(text, {
    file: 'mappings/x.yaml',
    tablesDir: join(REPO, 'mappings', 'tables'),
  });

const UPLOAD = `id: letter
input: hl7v2
operation: A020
inputs:
  ubrn: ZRF-2
  fileName: TXA-12
  contentType: { const: application/pdf }
  dataBase64: OBX-5.5
then:
  operation: A012
`;

describe('mapping: A012 keeps the letters already on the referral (resolve letters)', () => {
  it('sends the current letters first, then the new file', () => {
    const files = keptLetters(NHS_UNBOOKED, [
      { url: 'Binary/new-1', description: 'Clinic letter' },
    ]);
    expect(files.map((f) => f.url)).to.deep.equal([ON_REFERRAL, 'Binary/new-1']);
    expect(files[0]?.['description']).to.equal('referralletter pdf');
  });

  it('does not send a file twice when it is already on the referral', () => {
    const files = keptLetters(NHS_UNBOOKED, [{ url: ON_REFERRAL, description: 'x' }]);
    expect(files.map((f) => f.url)).to.deep.equal([ON_REFERRAL]);
  });

  it('tells that the link would change nothing when every new file is already linked', () => {
    const resolve = { version: true, letters: 'keep' as const, names: [], lineage: {} };
    const answers = { A005: NHS_UNBOOKED };
    expect(lettersAlreadyLinked(resolve, { files: [{ url: ON_REFERRAL }] }, answers)).to.equal(
      true,
    );
    expect(
      lettersAlreadyLinked(
        resolve,
        { files: [{ url: ON_REFERRAL }, { url: 'Binary/n' }] },
        answers,
      ),
    ).to.equal(false);
    expect(
      lettersAlreadyLinked(
        { ...resolve, letters: 'replace' },
        { files: [{ url: ON_REFERRAL }] },
        answers,
      ),
    ).to.equal(false);
  });

  it('refuses an A012 step that does not say what happens to the current letters', () => {
    const r = compile(
      `${UPLOAD}  resolve:\n    version: A005\n  inputs:\n    ubrn: $ubrn\n    indexed: TXA-4\n    files: { from: $ers.attachmentUrl, expr: '[{ "url": $value }]' }\n`,
    );
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.message).join('\n')).to.contain(
      'A012 replaces every referrer letter',
    );
  });

  it('builds the A012 of the shipped MDM^T02 mapping with the letter NHS lists and the upload', async () => {
    const text = readFileSync(join(REPO, 'mappings', 'mdm-t02-a020.yaml'), 'utf8');
    const r = compileMappingText(text, {
      file: join(REPO, 'mappings', 'mdm-t02-a020.yaml'),
      tablesDir: join(REPO, 'mappings', 'tables'),
    });
    expect(r.ok, JSON.stringify(r)).to.equal(true);
    if (!r.ok) return;
    const raw = readFileSync(join(REPO, 'samples', 'hl7', 'mdm-t02.hl7'));
    const parsed = await parseInput('hl7v2', raw, 'application/hl7-v2');
    const step = await evaluateThen(
      r.mapping,
      parsed,
      { ubrn: '000000070000' },
      { attachmentUrl: 'Binary/new-upload' },
      { answers: { A005: NHS_UNBOOKED } },
    );
    const body = step.request.body as { parameter: { resource: { content: unknown[] } }[] };
    const urls = body.parameter.map(
      (p) => (p.resource.content[0] as { attachment: { url: string } }).attachment.url,
    );
    expect(urls).to.deep.equal([ON_REFERRAL, 'Binary/new-upload']);
    expect(step.lineage['files']).to.contain('ers:A005 → current letters kept');
  });
});
