import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isValidNhsNumber } from '../../src/ers/nhs-number.js';
import { compileMappingFile, evaluateMapping, runMappingTests } from '../../src/mapping/index.js';
import { CONTENT_TYPES } from '../../src/mapping/inputs.js';
import { shapeOf } from '../support/fhir-shape.js';

const MAPPINGS = 'mappings';
const shipped = readdirSync(MAPPINGS)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => join(MAPPINGS, f));

/** Every empty string, array or object in a JSON value, by path. */
function emptyElements(v: unknown, path = ''): string[] {
  if (v === '' || (Array.isArray(v) && v.length === 0)) return [path];
  if (Array.isArray(v)) return v.flatMap((x, i) => emptyElements(x, `${path}[${i}]`));
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) return [path];
    return entries.flatMap(([k, x]) => emptyElements(x, path === '' ? k : `${path}.${k}`));
  }
  return [];
}

interface Scenario {
  readonly operation: string;
  readonly requestBody: string | null;
}
const CONTRACT = join('test', 'fixtures', 'nhs-contract');
const scenarios = (
  JSON.parse(readFileSync(join(CONTRACT, 'index.json'), 'utf8')) as { scenarios: Scenario[] }
).scenarios;

/** NHS's own example request bodies of an operation (test/fixtures/nhs-contract). */
function nhsRequests(operation: string): Record<string, unknown>[] {
  return scenarios
    .filter((s) => s.operation === operation && s.requestBody?.endsWith('.json') === true)
    .map(
      (s) =>
        JSON.parse(readFileSync(join(CONTRACT, s.requestBody ?? ''), 'utf8')) as Record<
          string,
          unknown
        >,
    );
}

describe('mapping: shipped mappings against their samples', () => {
  it('finds at least one shipped mapping', () => {
    expect(shipped).to.include(join(MAPPINGS, 'ref-i12-a021.yaml'));
  });

  it('passes ers-bridge mapping test for every shipped mapping', async () => {
    const results = await runMappingTests(shipped);
    const failed = results
      .filter((r) => !r.passed)
      .map((r) => `${r.mappingId}: ${r.failures.join('\n')}`);
    expect(failed, failed.join('\n\n')).to.deep.equal([]);
  });

  for (const file of shipped) {
    describe(file, () => {
      const run = async () => {
        const m = compileMappingFile(file);
        const raw = readFileSync(
          join('samples', m.id, m.kind === 'hl7v2' ? 'input.hl7' : 'input.json'),
        );
        const r = await evaluateMapping(m, raw, CONTENT_TYPES[m.kind]);
        if (r.kind !== 'mapped') throw new Error(`sample of ${m.id} was filtered: ${r.reason}`);
        return r;
      };

      it('traces every output value to an input path, a table, a constant, a default or e-RS', async () => {
        const r = await run();
        for (const name of Object.keys(r.lineage)) {
          expect(r.lineage[name], name).to.match(
            /^(hl7v2|csv|json|xml):\S|^const$|^default$|^default:A\d{3}$|^jsonata$|^ers:A\d{3} → /,
          );
        }
        // Every logical input has lineage, including the operation's own defaults.
        const untraced = Object.keys(r.input).filter((k) => r.lineage[k] === undefined);
        expect(untraced).to.deep.equal([]);
      });

      it('produces a FHIR body with no empty elements', async () => {
        const r = await run();
        // Values the operation's schema filled in itself (an empty attachment list) are not sent.
        const mapped = Object.fromEntries(
          Object.entries(r.input).filter(([k]) => !/^default:A\d{3}$/.test(r.lineage[k] ?? '')),
        );
        expect(emptyElements({ input: mapped, body: r.request.body ?? null })).to.deep.equal([]);
      });

      it('produces NHS numbers that pass the check digit', async () => {
        const r = await run();
        const nhs = r.input['nhsNumber'];
        if (typeof nhs === 'string') expect(isValidNhsNumber(nhs)).to.equal(true);
      });

      it("produces a body whose key paths and profile all occur in NHS's examples of its operation", async () => {
        const r = await run();
        if (r.request.body === undefined) return;
        const examples = nhsRequests(r.operation);
        expect(examples, `NHS examples of ${r.operation}`).to.not.deep.equal([]);
        const known = new Set(examples.flatMap((e) => shapeOf(e).paths));
        const ours = shapeOf(r.request.body);
        expect(ours.paths.filter((p) => !known.has(p))).to.deep.equal([]);
        const profiles = examples.map((e) => (e['meta'] as { profile?: string[] }).profile);
        expect(profiles).to.deep.include(
          (r.request.body['meta'] as { profile?: string[] }).profile,
        );
      });
    });
  }
});
