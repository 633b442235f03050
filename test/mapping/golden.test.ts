import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isValidNhsNumber } from '../../src/ers/nhs-number.js';
import { compileMappingFile, evaluateMapping, runMappingTests } from '../../src/mapping/index.js';
import { CONTENT_TYPES } from '../../src/mapping/inputs.js';
import { officialExample, shapeOf } from '../support/fhir-shape.js';

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

      it('traces every output value to an input path, a table, a constant or a default', async () => {
        const r = await run();
        for (const name of Object.keys(r.lineage)) {
          expect(r.lineage[name], name).to.match(
            /^(hl7v2|csv|json|xml):\S|^const$|^default$|^jsonata$/,
          );
        }
        // Values the operation's schema filled in itself are the only ones without lineage.
        const untraced = Object.keys(r.input).filter((k) => r.lineage[k] === undefined);
        expect(
          untraced.every((k) =>
            [
              'ageAndGenderAppropriate',
              'letterIntention',
              'firstReminderLetterFollowUpDays',
            ].includes(k),
          ),
          untraced.join(),
        ).to.equal(true);
      });

      it('produces a FHIR body with no empty elements', async () => {
        const r = await run();
        expect(emptyElements({ input: r.input, body: r.request.body ?? null })).to.deep.equal([]);
      });

      it('produces NHS numbers that pass the check digit', async () => {
        const r = await run();
        const nhs = r.input['nhsNumber'];
        if (typeof nhs === 'string') expect(isValidNhsNumber(nhs)).to.equal(true);
      });

      it('produces a body whose key paths all occur in the official example of its operation', async () => {
        const r = await run();
        if (r.request.body === undefined) return;
        const example = shapeOf(officialExample(`${r.operation}_Request.json`));
        const ours = shapeOf(r.request.body);
        expect(ours.paths.filter((p) => !example.paths.includes(p))).to.deep.equal([]);
        expect(ours.profiles).to.deep.equal(example.profiles);
      });
    });
  }
});
