import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderLetterFile, resolveTemplate } from '../../src/cli/commands/letters.js';
import { NOW, pdfPages } from './pdf-text.js';

describe('letters: the render command', () => {
  it('resolves a bare template name to the shipped template', () => {
    expect(resolveTemplate('booked-confirmation')).to.equal(
      join('mappings', 'letters', 'booked-confirmation.yaml'),
    );
    expect(resolveTemplate('no-such-template')).to.equal('no-such-template');
  });

  it('writes the PDF to the output file and leaves no partial file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'letters-cli-'));
    const out = join(dir, 'letter.pdf');
    const bytes = await renderLetterFile({
      template: 'booked-confirmation',
      dataFile: 'samples/letters/booked-confirmation.json',
      out,
      now: NOW,
    });
    expect(existsSync(out)).to.equal(true);
    expect(readdirSync(dir)).to.deep.equal(['letter.pdf']);
    const pdf = readFileSync(out);
    expect(pdf.length).to.equal(bytes);
    expect(pdfPages(pdf)[0]).to.include('Tuesday 15 December 2026');
  });
});
