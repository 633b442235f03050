import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileMappingText } from '../../src/mapping/index.js';

// docs/mapping.md is what integration engineers copy from: its examples must compile.
const DOC = readFileSync(join(process.cwd(), 'docs', 'mapping.md'), 'utf8');
const TABLES = join(process.cwd(), 'mappings', 'tables');
const yamlBlocks = [...DOC.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

function issuesOf(text: string): string[] {
  const r = compileMappingText(text, { file: 'docs/mapping.md', tablesDir: TABLES });
  return r.ok ? [] : r.issues.map((i) => `${i.line}:${i.column} ${i.message}`);
}

/** A small valid mapping with one rule and one mapping-level condition to vary. */
function withRule(when: string, rule: string, ruleWhen?: string): string {
  return [
    'id: doc-example',
    'input: hl7v2',
    when,
    'operation: A021',
    'inputs:',
    '  _given:',
    '    from: PID-5.2',
    '  priority:',
    '    from: RF1-2.1',
    '    table: priority',
    '  nhsNumber:',
    '    from: PID-3[CX.5=NH].1',
    '  serviceIds:',
    '    from: ZRF-3.1',
    `    transforms: ${rule}`,
    ...(ruleWhen === undefined ? [] : [`    ${ruleWhen}`]),
    '',
  ].join('\n');
}

describe('docs/mapping.md examples', () => {
  it('has a complete example that compiles', () => {
    expect(yamlBlocks.length).to.be.greaterThan(2);
    expect(issuesOf(yamlBlocks[0]!)).to.deep.equal([]);
  });

  it('has condition examples that all compile', () => {
    const conditions = yamlBlocks
      .flatMap((b) => b.split('\n'))
      .filter((l) => l.startsWith('when: '))
      .map((l) => l.replace(/\s+#.*$/, ''));
    expect(conditions.length).to.be.greaterThan(3);
    // `$input` conditions read earlier inputs, so they belong on a rule, not on the mapping.
    for (const c of conditions) {
      const text = c.includes('$')
        ? withRule('when: MSH-9.1 = REF', '[trim]', c)
        : withRule(c, '[trim]');
      expect(issuesOf(text), c).to.deep.equal([]);
    }
  });

  it('has transform examples that all compile', () => {
    const examples = [...DOC.matchAll(/^\| `\w+`[^|]*\| `([[{][^`]*)`\s*\|/gm)].map((m) => m[1]!);
    expect(examples.length).to.be.greaterThan(8);
    for (const t of examples) {
      const list = t.startsWith('[') ? t : `[${t}]`;
      expect(issuesOf(withRule('when: MSH-9.1 = REF', list)), t).to.deep.equal([]);
    }
  });
});
