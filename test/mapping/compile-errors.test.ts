import { expect } from 'chai';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileMappingFile, compileMappingText } from '../../src/mapping/index.js';
import { EngineError } from '../../src/core/errors.js';

// A valid mapping; each test breaks one line of it and expects the error on that line.
const BASE = [
  'id: broken-on-purpose', // 1
  'input: hl7v2', // 2
  'when: MSH-9.1 = REF and MSH-9.2 = I12', // 3
  'operation: A021', // 4
  'inputs:', // 5
  '  nhsNumber:', // 6
  '    from: PID-3[CX.5=NH].1', // 7
  '    transforms: [trim, nhsNumber]', // 8
  '  priority:', // 9
  '    from: RF1-2.1', // 10
  '    table: priority', // 11
  '  serviceIds:', // 12
  '    const: ["90636"]', // 13
  'reply:', // 14
  '  fields:', // 15
  "    MSA-3: 'UBRN {{ers.ubrn}}'", // 16
];

describe('mapping compile errors', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ers-mapping-errors-'));
    mkdirSync(join(dir, 'tables'));
    writeFileSync(
      join(dir, 'tables', 'priority.yaml'),
      'unmapped: error\nentries:\n  R: ROUTINE\n',
    );
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function compile(lines: readonly string[]) {
    return compileMappingText(lines.join('\n') + '\n', {
      file: 'mappings/broken.yaml',
      tablesDir: join(dir, 'tables'),
    });
  }

  /** Replaces 1-based line `n` (or inserts after it) and returns the issues. */
  function issuesWith(n: number, text: string | null, mode: 'replace' | 'insert' = 'replace') {
    const lines = [...BASE];
    if (mode === 'insert') lines.splice(n, 0, text ?? '');
    else if (text === null) lines.splice(n - 1, 1);
    else lines[n - 1] = text;
    const r = compile(lines);
    if (r.ok) throw new Error('expected the mapping to fail');
    return r.issues;
  }

  function expectIssue(issues: ReturnType<typeof issuesWith>, line: number, pattern: RegExp) {
    const hit = issues.find((i) => i.line === line && pattern.test(i.message));
    expect(
      hit,
      `no issue on line ${line} matching ${pattern}: ${JSON.stringify(issues)}`,
    ).to.not.equal(undefined);
    expect(hit!.file).to.equal('mappings/broken.yaml');
    expect(hit!.hint ?? '').to.not.equal('');
    return hit!;
  }

  it('accepts the unbroken mapping', () => {
    const r = compile(BASE);
    expect(r.ok, JSON.stringify(r)).to.equal(true);
  });

  it('places a YAML indentation error on its line', () => {
    const issues = issuesWith(10, '   from: RF1-2.1\n  bad');
    expect(issues[0]!.message).to.match(/YAML/);
    expect(issues[0]!.line).to.be.within(10, 11);
  });

  it('names an unknown top-level key on its line', () => {
    expectIssue(issuesWith(4, 'operaton: A021'), 4, /unknown key "operaton"/);
  });

  it('names an unknown key inside a rule on its line', () => {
    expectIssue(issuesWith(10, '    form: RF1-2.1'), 10, /unknown key "form"/);
  });

  it('reports a bad HL7 path with the column of the mistake', () => {
    const hit = expectIssue(issuesWith(7, '    from: PID-3[CX.5=NH.1'), 7, /PID-3\[CX\.5=NH\.1/);
    expect(hit.column).to.be.greaterThan(10);
  });

  it('reports a lookup table that does not exist', () => {
    expectIssue(issuesWith(11, '    table: no-such-table'), 11, /no-such-table/);
  });

  it('reports an unknown e-RS operation', () => {
    expectIssue(issuesWith(4, 'operation: A999'), 4, /unknown operation "A999"/);
  });

  it('reports a logical input the operation does not have', () => {
    expectIssue(issuesWith(6, '  nhsNumbr:'), 6, /no logical input "nhsNumbr"/);
  });

  it('reports a required logical input that no rule fills, at the inputs key', () => {
    const lines = BASE.filter((_, i) => i !== 11 && i !== 12);
    const r = compile(lines);
    if (r.ok) throw new Error('expected the mapping to fail');
    expectIssue(r.issues, 5, /needs the logical input "serviceIds"/);
  });

  it('reports a constant whose type does not fit the operation input', () => {
    expectIssue(issuesWith(13, '    const: ninety'), 13, /serviceIds/);
  });

  it('reports a bad condition in when', () => {
    expectIssue(issuesWith(3, 'when: MSH-9.1 == REF'), 3, /condition|operator|unexpected/i);
  });

  it('reports an unknown transform', () => {
    expectIssue(issuesWith(8, '    transforms: [trim, titlecase]'), 8, /titlecase/);
  });

  it('reports a JSONata syntax error in an escape-hatch expression', () => {
    const issues = issuesWith(10, '    expr: "$uppercase(("');
    expect(
      issues.some((i) => i.line === 10),
      JSON.stringify(issues),
    ).to.equal(true);
  });

  it('reports a reply placeholder that reads an unknown root', () => {
    expectIssue(issuesWith(16, "    MSA-3: 'UBRN {{erz.ubrn}}'"), 16, /erz\.ubrn/);
  });

  it('collects several problems of one file in one report', () => {
    const lines = [...BASE];
    lines[6] = '    from: PID-3[CX.5=NH.1';
    lines[10] = '    table: no-such-table';
    const r = compile(lines);
    if (r.ok) throw new Error('expected the mapping to fail');
    expect(r.issues.map((i) => i.line)).to.include.members([7, 11]);
  });

  it('throws MAP_COMPILE_ERROR naming file:line:column when compiling a file', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, BASE.map((l, i) => (i === 3 ? 'operation: A999' : l)).join('\n'));
    let caught: unknown;
    try {
      compileMappingFile(file);
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(EngineError);
    expect((caught as EngineError).code).to.equal('MAP_COMPILE_ERROR');
    expect((caught as EngineError).message).to.contain(`${file}:4:`);
  });
});
