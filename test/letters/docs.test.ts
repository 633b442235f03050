import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { LetterDestinationSchema } from '../../src/destinations/letter/index.js';
import { parseLetterTemplate } from '../../src/letters/index.js';

const markdown = readFileSync('docs/letters.md', 'utf8');

describe('letters: documentation', () => {
  it('the template format example of docs/letters.md is a valid template', () => {
    const example = /## Template format\s+```yaml\n([\s\S]*?)```/.exec(markdown)?.[1];
    expect(example, 'yaml example under "Template format"').to.be.a('string');
    const template = parseLetterTemplate(example ?? '', 'docs/letters.md');
    expect(template.blocks.map((b) => b.type)).to.deep.equal([
      'heading',
      'text',
      'fields',
      'table',
      'spacer',
    ]);
  });

  it('every letter destination in the channel examples of docs/letters.md is valid config', () => {
    const section = markdown.slice(markdown.indexOf('## Letter destination'));
    const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    const letters = blocks.flatMap((b) =>
      (parse(b) as { destinations: { type: string }[] }).destinations.filter(
        (d) => d.type === 'letter',
      ),
    );
    expect(letters).to.have.length(2);
    for (const { type: _type, name: _name, ...config } of letters as {
      type: string;
      name: string;
    }[]) {
      const parsed = LetterDestinationSchema.safeParse(config);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).to.equal(true);
    }
  });
});
