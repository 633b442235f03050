/**
 * Client contract: for every scenario of NHS's e-RS sandbox (test/fixtures/nhs-contract), the
 * logical inputs behind it (inputs.ts) go through our real client to a real HTTP server, and the
 * request that arrives must be NHS's: method, path, query, the headers NHS's sandbox checks, and
 * the body deep-equal (FHIR `parameter` order included — NHS compares exactly).
 */
import { expect } from 'chai';
import { CaptureServer, scenarios } from './capture.js';
import { differences, sendScenario } from './harness.js';

describe('ers contract: our client sends NHS e-RS sandbox requests exactly', () => {
  const server = new CaptureServer();
  let url = '';
  const equal: string[] = [];
  before(async () => {
    url = await server.start();
  });
  after(async () => {
    await server.stop();
  });

  for (const s of scenarios())
    it(`${s.operation} ${s.scenario} (${s.responseStatus})`, async () => {
      const captured = await sendScenario(server, url, s);
      expect(differences(s, captured)).to.deep.equal([]);
      equal.push(`${s.operation} ${s.scenario}`);
    });

  it('builds every one of NHS 136 scenarios and sends each exactly', () => {
    expect(scenarios()).to.have.length(136);
    expect(equal, `equal: ${equal.length} of 136`).to.have.length(136);
  });
});
