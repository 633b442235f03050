import { expect } from 'chai';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsonata from 'jsonata';
import { compileMappingFile, evaluateMapping } from '../../src/mapping/index.js';
import { JSONATA_FUNCTIONS } from '../../src/mapping/jsonata-check.js';
import { buildReferenceCodes } from '../../scripts/reference-codes.js';
import { EngineError } from '../../src/core/errors.js';

const REPO = process.cwd();

/** A copy of the shipped mappings and tables in a temp folder, edited per test. */
function site(): { dir: string; file: (name: string) => string; edit: EditFn; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ers-checks-'));
  cpSync(join(REPO, 'mappings'), join(dir, 'mappings'), { recursive: true });
  const file = (name: string): string => join(dir, 'mappings', name);
  const edit: EditFn = (name, from, to) => {
    const text = readFileSync(file(name), 'utf8');
    if (!text.includes(from)) throw new Error(`${name} has no "${from}"`);
    writeFileSync(file(name), text.replace(from, to));
  };
  return {
    dir,
    file,
    edit,
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
type EditFn = (name: string, from: string, to: string) => void;

/** The compile error's lines (`file:line:col: message (hint: …)`). */
function problems(file: string): string[] {
  try {
    compileMappingFile(file);
  } catch (error) {
    if (error instanceof EngineError && error.code === 'MAP_COMPILE_ERROR')
      return error.message.split('\n');
    throw error;
  }
  throw new Error(`${file} compiled`);
}

/** 1-based line of the first line of `file` containing `text`. */
function lineOf(file: string, text: string): number {
  const n = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text));
  if (n < 0) throw new Error(`no "${text}" in ${file}`);
  return n + 1;
}

const REF = readFileSync(join(REPO, 'samples/ref-i12-a021/input.hl7'), 'utf8');

describe('mapping compile-time checks (real files on disk)', () => {
  let s: ReturnType<typeof site>;
  beforeEach(() => {
    s = site();
  });
  afterEach(() => {
    s.cleanup();
  });

  describe('table values against the e-RS code system they feed', () => {
    it('refuses 2WW: TWO_WEEK at the table line, naming the priority codes', () => {
      s.edit('tables/priority.yaml', '  W: TWO_WEEK_WAIT', '  2WW: TWO_WEEK');
      const table = s.file('tables/priority.yaml');
      const [p] = problems(s.file('ref-i12-a021.yaml'));
      expect(p).to.equal(
        `${table}:${lineOf(table, '2WW')}:8: "TWO_WEEK" (for 2WW) is not a priority (A021 schema) code; table priority feeds A021 input "priority" (hint: did you mean "TWO_WEEK_WAIT"; codes: ROUTINE, URGENT, TWO_WEEK_WAIT)`,
      );
    });

    it('refuses a specialty A004 does not serve, and accepts it once the site lists it', () => {
      s.edit('tables/specialty.csv', '340,RESPIRATORY_MEDICINE', '340,RESPIRATORY_MEDICIN');
      const table = s.file('tables/specialty.csv');
      const list = problems(s.file('csv-referral-a021.yaml'));
      expect(list).to.have.length(1);
      expect(list[0]).to.match(
        new RegExp(
          `^${table}:${lineOf(table, '340,')}:5: "RESPIRATORY_MEDICIN" \\(for 340\\) is not a SPECIALTY \\(A004 reference data\\) code`,
        ),
      );
      expect(list[0]).to.include('did you mean "RESPIRATORY_MEDICINE"');
      mkdirSync(s.file('reference'));
      writeFileSync(s.file('reference/SPECIALTY.json'), JSON.stringify(['RESPIRATORY_MEDICIN']));
      expect(compileMappingFile(s.file('csv-referral-a021.yaml')).id).to.equal('csv-referral-a021');
    });

    it("checks a table's default for unmapped codes too", () => {
      s.edit('tables/rejection-reason.yaml', 'unmapped: error', 'unmapped: default\ndefault: OTHR');
      const table = s.file('tables/rejection-reason.yaml');
      const [p] = problems(s.file('rri-i12-a014.yaml'));
      expect(p).to.match(
        new RegExp(
          `^${table}:${lineOf(table, 'default: OTHR')}:10: default "OTHR" of table rejection-reason is not a APPOINTMENT-CANCELLATION-REASON`,
        ),
      );
    });

    it("checks a rule's own default and a constant against the input's codes", () => {
      s.edit(
        'ref-i12-a021.yaml',
        '    from: ZRF-4.1\n',
        '    from: ZRF-4.1\n    default: CARDIOLGY\n',
      );
      s.edit(
        'ref-i12-a021.yaml',
        '    table: priority\n',
        '    table: priority\n    default: ROUTIN\n',
      );
      const file = s.file('ref-i12-a021.yaml');
      expect(problems(file)).to.deep.equal([
        `${file}:${lineOf(file, 'ROUTIN')}:14: default "ROUTIN" of priority is not a priority (A021 schema) code (hint: did you mean "ROUTINE"; codes: ROUTINE, URGENT, TWO_WEEK_WAIT)`,
        `${file}:${lineOf(file, 'CARDIOLGY')}:14: default "CARDIOLGY" of specialty is not a SPECIALTY (A004 reference data) code (hint: did you mean "CARDIOLOGY"; 95 codes; a code your e-RS environment's A004 serves can be added in ${s.file('reference/SPECIALTY.json')})`,
      ]);
    });

    it('compiles every shipped mapping with the shipped tables', () => {
      for (const name of ['ref-i12-a021', 'csv-referral-a021', 'rri-i12-a014', 'siu-s15-a036'])
        expect(compileMappingFile(s.file(`${name}.yaml`)).id).to.equal(name);
    });

    it('keeps the reference codes in step with the sandbox A004 and NHS A004 examples', () => {
      const file = JSON.parse(
        readFileSync(join(REPO, 'src/mapping/reference/codes.json'), 'utf8'),
      ) as unknown;
      expect(file, 'run npx tsx scripts/gen-reference-codes.ts').to.deep.equal(
        buildReferenceCodes(REPO),
      );
    });
  });

  describe('table files by schema', () => {
    it('refuses entry: instead of entries: at its line, with the key it meant', () => {
      s.edit('tables/priority.yaml', 'entries:', 'entry:');
      const table = s.file('tables/priority.yaml');
      const list = problems(s.file('ref-i12-a021.yaml'));
      expect(list).to.include(
        `${table}:${lineOf(table, 'entry:')}:1: unknown key "entry" in table priority (hint: did you mean "entries"?)`,
      );
      expect(list.some((l) => l.includes('table priority has no entries'))).to.equal(true);
    });

    it('keeps a key 01: as the code "01", not the number 1', async () => {
      s.edit('tables/priority.yaml', '  R: ROUTINE', '  01: ROUTINE');
      const m = compileMappingFile(s.file('ref-i12-a021.yaml'));
      const as = (code: string) =>
        evaluateMapping(
          m,
          REF.replace('R^Routine^HL70280', `${code}^Routine^HL70280`),
          'application/hl7-v2',
        );
      const run = await as('01');
      expect(run.kind === 'mapped' && run.input['priority']).to.equal('ROUTINE');
      const refused = await as('1').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).to.be.instanceOf(EngineError).and.to.include({ code: 'MAP_UNMAPPED_CODE' });
    });

    it('refuses an entry with no e-RS code', () => {
      s.edit('tables/priority.yaml', '  U: URGENT', '  U:');
      const table = s.file('tables/priority.yaml');
      expect(problems(s.file('ref-i12-a021.yaml'))).to.include(
        `${table}:${lineOf(table, '  U:')}:3: entry "U" of table priority has no e-RS code (hint: U: <the e-RS code>)`,
      );
    });
  });

  describe('reply placeholders', () => {
    it('refuses {{ers.ubrnn}} at its column, suggesting ers.ubrn', () => {
      s.edit('ref-i12-a021.yaml', "MSA-3: 'UBRN {{ers.ubrn}}'", "MSA-3: 'UBRN {{ers.ubrnn}}'");
      const file = s.file('ref-i12-a021.yaml');
      expect(problems(file)).to.deep.equal([
        `${file}:${lineOf(file, 'ers.ubrnn')}:18: placeholder "{{ers.ubrnn}}" names nothing a reply can use (ers.ubrnn) (hint: did you mean ers.ubrn?)`,
      ]);
    });

    it('refuses an input the mapping does not have', () => {
      s.edit('ref-i12-a021.yaml', '{{input.serviceIds}}', '{{input.serviceId}}');
      const [p] = problems(s.file('ref-i12-a021.yaml'));
      expect(p).to.include('placeholder "{{input.serviceId}}"').and.include('input.serviceIds');
    });
  });

  describe('HL7 paths with data-type-checked filters', () => {
    for (const [path, reason, column] of [
      ['PID-3[CX.4==NHS].1', '"==" is not a filter operator', 12],
      ['PID-3[CX.44=NHS].1', 'CX has 12 components, not 44', 10],
      ['PID-3[CE.5=NH].1', 'PID-3 is a CX, not a CE', 7],
      ['PID-3.44', 'PID-3: CX has 12 components, not 44', 7],
    ] as const) {
      it(`refuses ${path} at the column of the mistake`, () => {
        s.edit('ref-i12-a021.yaml', 'from: PID-3[CX.5=NH].1', `from: ${path}`);
        const file = s.file('ref-i12-a021.yaml');
        const [p] = problems(file);
        // The path starts at column 11 ("    from: ").
        expect(p).to.match(
          new RegExp(`^${file}:${lineOf(file, path)}:${10 + column}: bad hl7v2 path`),
        );
        expect(p).to.include(reason);
      });
    }

    it('refuses the same mistakes in a condition', () => {
      s.edit('ref-i12-a021.yaml', 'and not ZRF-3[2].1 exists', 'and PID-3[CX.4==NHS] exists');
      const [p] = problems(s.file('ref-i12-a021.yaml'));
      expect(p).to.include('bad condition').and.include('"==" is not a filter operator');
    });
  });

  describe('JSONata expressions', () => {
    it('reports an unknown function by name at its file:line:col', () => {
      s.edit('ref-i12-a011-triage.yaml', "expr: '$value[0]'", "expr: '$frist($value)'");
      const file = s.file('ref-i12-a011-triage.yaml');
      expect(problems(file)).to.deep.equal([
        `${file}:${lineOf(file, '$frist')}:14: unknown JSONata function $frist (hint: see https://docs.jsonata.org for the functions)`,
      ]);
    });

    it('suggests the function or variable meant', () => {
      s.edit('ref-i12-a011-triage.yaml', "expr: '$value[0]'", "expr: '$uppercse($valeu)'");
      const list = problems(s.file('ref-i12-a011-triage.yaml'));
      expect(list.join('\n'))
        .to.include('unknown JSONata function $uppercse (hint: did you mean $uppercase?)')
        .and.include('unknown variable $valeu (hint: did you mean $value?)');
    });

    it('accepts functions and variables the expression defines itself', () => {
      s.edit(
        'ref-i12-a011-triage.yaml',
        "expr: '$value[0]'",
        "expr: '($f := function($x) { $x }; $map($value, function($v, $i) { $f($v) })[0])'",
      );
      expect(compileMappingFile(s.file('ref-i12-a011-triage.yaml')).id).to.equal(
        'ref-i12-a011-triage',
      );
    });

    it('lists only functions the installed JSONata has', async () => {
      // JSONata answers a built-in function's name with the function (a tagged object).
      for (const name of JSONATA_FUNCTIONS)
        expect(await jsonata(`$${name}`).evaluate({}), name).to.include({
          _jsonata_function: true,
        });
      expect(await jsonata('$frist').evaluate({})).to.equal(undefined);
    });
  });
});
