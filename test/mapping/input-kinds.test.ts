import { expect } from 'chai';
import { join } from 'node:path';
import { EngineError } from '../../src/core/errors.js';
import {
  compileMappingText,
  evaluateMapping,
  type CompiledMapping,
} from '../../src/mapping/index.js';

const TABLES = join(process.cwd(), 'mappings', 'tables');

function compile(lines: readonly string[]): CompiledMapping {
  const r = compileMappingText(lines.join('\n') + '\n', { file: 't.yaml', tablesDir: TABLES });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.mapping;
}

async function mapped(m: CompiledMapping, raw: string, contentType: string) {
  const run = await evaluateMapping(m, raw, contentType);
  if (run.kind !== 'mapped') throw new Error(`not mapped: ${run.reason}`);
  return run;
}

const XML = `<?xml version="1.0"?>
<response kind="accept">
  <referral ubrn="000000070000"><version>3</version></referral>
  <comment>seen in clinic</comment>
</response>`;

describe('mapping input kinds other than HL7', () => {
  describe('xml', () => {
    const m = compile([
      'id: xml-accept',
      'input: xml',
      'when: response/@kind = accept',
      'operation: A013',
      'inputs:',
      '  ubrn: { from: response/referral/@ubrn }',
      '  version: { from: response/referral/version }',
    ]);

    it('reads elements and attributes by slash paths', async () => {
      const run = await mapped(m, XML, 'application/xml');
      expect(run.input).to.deep.equal({ ubrn: '000000070000', version: '3' });
      expect(run.lineage['ubrn']).to.equal('xml:response/referral/@ubrn');
    });

    it('warns about an element no rule read', async () => {
      const run = await mapped(m, XML, 'application/xml');
      expect(run.warnings.join('\n')).to.contain('response/comment');
    });

    it('does not take a document its condition rejects', async () => {
      const run = await evaluateMapping(
        m,
        XML.replace('kind="accept"', 'kind="reject"'),
        'application/xml',
      );
      expect(run.kind).to.equal('filtered');
    });

    it('refuses a document with a DOCTYPE (no entity expansion)', async () => {
      const evil = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "y">]>${XML.slice(21)}`;
      let caught: unknown;
      try {
        await evaluateMapping(m, evil, 'application/xml');
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(EngineError);
      expect((caught as EngineError).code).to.equal('FORMAT_XML_FORBIDDEN');
    });
  });

  describe('csv row', () => {
    const m = compile([
      'id: csv-accept',
      'input: csv',
      'operation: A013',
      'inputs:',
      '  ubrn: { from: ubrn, transforms: [trim, { pad: { length: 12 } }] }',
      '  version: { const: "1" }',
    ]);
    const row = (columns: Record<string, string>) => JSON.stringify({ row: 2, columns });

    it('reads columns by header name and pads a UBRN to 12 digits', async () => {
      const run = await mapped(m, row({ ubrn: ' 70000 ' }), 'application/x-csv-row+json');
      expect(run.input).to.deep.equal({ ubrn: '000000070000', version: '1' });
    });

    it('warns about a non-empty column no rule read, and not about empty ones', async () => {
      const run = await mapped(
        m,
        row({ ubrn: '70000', note: 'call first', spare: '' }),
        'application/x-csv-row+json',
      );
      expect(run.warnings.join('\n')).to.contain('note');
      expect(run.warnings.join('\n')).to.not.contain('spare');
    });
  });

  describe('json trigger (cron source)', () => {
    const m = compile([
      'id: poll-trigger',
      'input: json',
      'when: trigger = poll',
      'operation: A013',
      'inputs:',
      '  ubrn: { from: payload.ubrn }',
      '  version: { from: payload.version }',
    ]);

    it('reads dotted paths of the trigger message', async () => {
      const raw = JSON.stringify({
        trigger: 'poll',
        scheduledAt: '2026-11-25T08:00:00Z',
        payload: { ubrn: '000000070000', version: 2 },
      });
      const run = await mapped(m, raw, 'application/json');
      expect(run.input).to.deep.equal({ ubrn: '000000070000', version: '2' });
    });
  });
});
