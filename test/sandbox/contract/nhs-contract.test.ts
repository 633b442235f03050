/**
 * Sandbox contract: every scenario of NHS England's own e-RS sandbox (index.json, 136) sent to OUR
 * sandbox — a real HTTP server on port 0 loaded with NHS's test world (src/sandbox/nhs-seed.ts) —
 * must get NHS's status and an answer containing NHS's shape.
 *
 * What is compared, per scenario class:
 * - FHIR JSON answers (A004–A044 except the PDFs): the status; the media type
 *   application/fhir+json; every element path of NHS's body (array positions collapsed,
 *   extensions named by url, resources by resourceType) and every extension url — ours may carry
 *   more (shape.ts); a weak numeric ETag where NHS sends one on success. Values (ids, times,
 *   versions, code-system bases) are not compared: a state-driven simulator cannot reproduce NHS's
 *   fixed examples, which contradict each other.
 * - PDF answers (A006, A007, A019, A043): status, application/pdf and an attachment filename.
 * - A020 upload: 201 and a Location of Binary/<id>.
 * - /_ping and /_status: the status.
 * Requests are NHS's (method, path, query, example headers, body file) plus the headers the e-RS
 * spec requires that NHS's sandbox does not check: Authorization, NHSD-End-User-Organisation-ODS,
 * If-Match (the target's current version in our world) and NHSD-eRS-Comm-Rule-Org.
 * Where NHS's example needs a state its world does not hold (its sandbox answers by example; ours
 * by state), or sends a business function its own reference data forbids, preconditions.ts says
 * which state the scenario starts from and why.
 * NHS-sandbox artefacts (403 text/html for a wrong business function, SANDBOX_ERROR on no match)
 * are not scenarios of index.json; our sandbox answers those cases with the platform's
 * OperationOutcome (test/sandbox/auth.test.ts).
 */
import { expect } from 'chai';
import { mergeSeed, NHS_SEED, startSandbox } from '../../../src/sandbox/index.js';
import { preconditionOf } from './preconditions.js';
import { INDEX, runScenario, type Outcome, type Scenario } from './scenarios.js';

/** Scenarios not met yet, each with the reason; their test requires them still to fail. */
const NOT_MET: Record<string, string> = {};

const keyOf = (i: number, s: Scenario): string => `#${i} ${s.operation} ${s.scenario}`;

async function run(s: Scenario): Promise<Outcome> {
  return runScenario(
    s,
    async (overlay) => {
      const sandbox = await startSandbox({
        seed: overlay ? mergeSeed(NHS_SEED, overlay) : NHS_SEED,
      });
      return {
        url: sandbox.url,
        close: () => sandbox.close(),
        version: (t) =>
          t.kind === 'referral'
            ? sandbox.state.referrals.get(t.id)?.version
            : t.kind === 'advice'
              ? sandbox.state.adviceRequests.get(t.id)?.version
              : sandbox.state.appointments.get(t.id)?.version,
      };
    },
    preconditionOf(s),
  );
}

describe('sandbox contract: NHS e-RS sandbox scenarios against our sandbox (NHS world)', () => {
  const results: { status: boolean; met: boolean }[] = [];

  it('covers all 136 scenarios of index.json', () => {
    expect(INDEX.scenarios).to.have.length(136);
  });

  for (const [i, s] of INDEX.scenarios.entries()) {
    const key = keyOf(i, s);
    const gap = NOT_MET[key];
    it(`${key}${gap ? ` (not met: ${gap})` : ''}`, async () => {
      const out = await run(s);
      results.push({ status: out.status === s.responseStatus, met: out.problems.length === 0 });
      if (gap) expect(out.problems, 'now met: remove it from NOT_MET').to.not.be.empty;
      else expect(out.problems).to.deep.equal([]);
    });
  }

  it('reports the counts', () => {
    const status = results.filter((r) => r.status).length;
    const met = results.filter((r) => r.met).length;
    console.log(`      NHS contract: status equal ${status}/136, status and shape ${met}/136`);
    expect(met).to.equal(136 - Object.keys(NOT_MET).length);
  });
});
