import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parseLetterTemplate } from '../../src/letters/index.js';

describe('letters: documentation', () => {
  it('the template format example of docs/letters.md is a valid template', () => {
    const markdown = readFileSync('docs/letters.md', 'utf8');
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
});
