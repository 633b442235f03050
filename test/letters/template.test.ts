import { expect } from 'chai';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineError } from '../../src/core/errors.js';
import { loadLetterTemplate, renderLetter } from '../../src/letters/index.js';
import { NOW, pdfPages } from './pdf-text.js';

const GOOD = `id: test-letter
title: A letter
header:
  organisation: "{{org}}"
blocks:
  - type: text
    text: "Hello {{name}}"
`;

async function errorOf(source: string): Promise<EngineError> {
  const file = join(mkdtempSync(join(tmpdir(), 'letter-tpl-')), 'bad.yaml');
  writeFileSync(file, source);
  const error = await loadLetterTemplate(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(EngineError);
  expect((error as EngineError).code).to.equal('LETTER_TEMPLATE_INVALID');
  expect((error as EngineError).message.startsWith(`${file}:`)).to.equal(true);
  return error as EngineError;
}

describe('letters: template validation', () => {
  it('loads a minimal template with the default A4 page and footer', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'letter-tpl-')), 'good.yaml');
    writeFileSync(file, GOOD);
    const template = await loadLetterTemplate(file);
    expect(template.page.size).to.equal('A4');
    expect(template.footer.text).to.equal('Page {{page}} of {{pages}}');
    expect(template.header.colour).to.equal('#005EB8');
  });

  it('reports a YAML syntax error with its line', async () => {
    const error = await errorOf(GOOD.replace('title: A letter', 'title: [A letter'));
    expect(error.message).to.match(/bad\.yaml:\d+: /);
  });

  it('reports an unknown block type on the line of the block', async () => {
    const error = await errorOf(GOOD.replace('type: text', 'type: picture'));
    expect(error.message).to.match(/bad\.yaml:6: blocks\.0\.type/);
  });

  it('reports an unknown key on its own line', async () => {
    const error = await errorOf(
      GOOD.replace('  organisation:', '  colur: "#005EB8"\n  organisation:'),
    );
    expect(error.message).to.match(/bad\.yaml:4: header.*colur/);
  });

  it('reports a missing required key on the line of its parent', async () => {
    const error = await errorOf(GOOD.replace('  organisation: "{{org}}"', '  address: []'));
    expect(error.message).to.match(/bad\.yaml:4: header\.organisation/);
  });

  it('reports a malformed placeholder on its line', async () => {
    const error = await errorOf(GOOD.replace('Hello {{name}}', 'Hello {{name}'));
    expect(error.message).to.match(/bad\.yaml:7: blocks\.0\.text: malformed placeholder/);
  });

  it('reports a bad header colour on its line', async () => {
    const error = await errorOf(
      GOOD.replace('  organisation: "{{org}}"', '  organisation: "{{org}}"\n  colour: blue'),
    );
    expect(error.message).to.match(/bad\.yaml:5: header\.colour: colour must be #RRGGBB/);
  });

  it('reports a table without columns on its line', async () => {
    const error = await errorOf(GOOD + '  - type: table\n    rows: services\n    columns: []\n');
    expect(error.message).to.match(
      /bad\.yaml:10: blocks\.1\.columns: a table needs at least one column/,
    );
  });
});

describe('letters: header logo', () => {
  it('draws a logo given relative to the template file as an image', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'letter-logo-'));
    copyFileSync('samples/letters/triage-summary.png', join(dir, 'logo.png'));
    const file = join(dir, 'logo.yaml');
    writeFileSync(file, GOOD.replace('  organisation:', '  logo: logo.png\n  organisation:'));
    const pdf = await renderLetter(file, { org: 'Trust', name: 'Siân' }, { now: NOW });
    expect(pdf.includes('/Subtype /Image')).to.equal(true);
    expect(pdfPages(pdf)[0]).to.include('Hello Siân');
  });

  it('reports a logo file that does not exist on its line', async () => {
    const error = await errorOf(
      GOOD.replace('  organisation:', '  logo: missing.png\n  organisation:'),
    );
    expect(error.message).to.match(/bad\.yaml:4: header\.logo: no file missing\.png/);
  });
});
