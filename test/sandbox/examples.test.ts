/**
 * Table-driven: every file of the official e-RS examples folder is exercised. Each example request
 * is sent to its endpoint in the world it assumes (samples/sandbox/seed.yaml), and each answer is
 * compared with the official response by shape: resource type, every element path, profiles,
 * identifier/code systems (reduced to their last segment, since code-system bases differ between
 * e-RS environments and the examples themselves) and parameter names — ours may carry more.
 * Three examples are not valid JSON as published; their rows repair a copy and say how.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shapeOf } from '../support/fhir-shape.js';
import { FOLDER, ROWS, SPC } from './example-rows.js';
import { useSandbox, type Json } from './support.js';

const lastSegment = (s: string): string => s.split('/').pop() ?? s;
function compare(ours: unknown, official: unknown): void {
  const a = shapeOf(ours);
  const b = shapeOf(official);
  expect((ours as Json)['resourceType']).to.equal((official as Json)['resourceType']);
  expect(a.paths, 'element paths').to.include.members(b.paths);
  expect(a.profiles, 'profiles').to.include.members(b.profiles);
  expect(a.systems.map(lastSegment), 'systems').to.include.members(b.systems.map(lastSegment));
  expect(a.parameterNames, 'parameter names').to.include.members(b.parameterNames);
}

describe('sandbox: every official e-RS example', () => {
  const h = useSandbox();

  it('has a row for every file of the examples folder', () => {
    const covered = ROWS.flatMap((r) => r.files);
    const pdf = 'A007_Example_Clinical_Information_Summary.pdf';
    const files = readdirSync(FOLDER).filter((f) => f !== 'README.md' && f !== pdf);
    expect(covered).to.have.members(files);
  });

  for (const row of ROWS) {
    it(`answers ${row.files.join(' + ')} with ${row.status}${row.response ? ' in the official shape' : ''}`, async () => {
      const answer = await row.run(h);
      expect(answer.status, JSON.stringify(answer.body).slice(0, 400)).to.equal(row.status);
      if (row.response !== undefined) compare(answer.body, row.response);
      if (row.status === 422) expect(JSON.stringify(answer.body)).to.match(/UNEXPECTED_FIELD/);
    });
  }

  it('answers A007 with a real PDF named as e-RS names it, like the official example', async () => {
    const res = await fetch(
      `${h.sandbox.url}/FHIR/STU3/ReferralRequest/000000098888/$ers.generateCRI`,
      {
        method: 'POST',
        headers: {
          Authorization: 'Bearer t',
          'NHSD-eRS-Business-Function': SPC,
          'NHSD-End-User-Organisation-ODS': 'R69',
        },
      },
    );
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^application\/pdf/);
    expect(res.headers.get('content-disposition')).to.match(
      /filename="000000098888_Clinical_Information_Summary_\d{14}\.pdf"/,
    );
    const ours = Buffer.from(await res.arrayBuffer());
    const official = readFileSync(join(FOLDER, 'A007_Example_Clinical_Information_Summary.pdf'));
    expect(ours.subarray(0, 5).toString()).to.equal(official.subarray(0, 5).toString());
  });
});
