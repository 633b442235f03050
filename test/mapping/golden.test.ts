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

/** The official request example of an operation (A016 has book and defer, A014 DBS and IBS). */
function exampleOf(operation: string, input: Record<string, unknown>): string {
  if (operation === 'A016') return `A016_Request_${String(input['action']).toUpperCase()}.json`;
  if (operation === 'A014') return 'A014_Request_DBS.json';
  return `${operation}_Request.json`;
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
        const official = officialExample(exampleOf(r.operation, r.input)) as {
          meta?: { profile?: string[] };
        };
        const example = shapeOf(official);
        const ours = shapeOf(r.request.body);
        expect(ours.paths.filter((p) => !example.paths.includes(p))).to.deep.equal([]);
        // Optional parts (A022 attachments) may be absent; the body's own profile must match.
        expect(ours.profiles.filter((p) => !example.profiles.includes(p))).to.deep.equal([]);
        expect((r.request.body['meta'] as { profile?: string[] }).profile).to.deep.equal(
          official.meta?.profile,
        );
      });
    });
  }
});
