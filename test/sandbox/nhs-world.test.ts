import { expect } from 'chai';
import { join } from 'node:path';
import {
  DEFAULT_WORLD,
  NHS_SEED,
  SEED_WORLDS,
  SeedSchema,
  loadSeedFile,
  startSandbox,
} from '../../src/sandbox/index.js';
import { PLATFORM } from './support.js';

const NHS_FILE = join(import.meta.dirname, '..', '..', 'samples', 'sandbox', 'nhs.yaml');
const range = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, n) => String(from + n));

describe('sandbox: the NHS test world (seed nhs)', () => {
  it('is a valid seed holding NHS sandbox UBRNs, services, patient and appointments', () => {
    const seed = SeedSchema.parse(NHS_SEED);
    const ubrns = seed.referrals.map((r) => r.ubrn);
    for (const n of range(70_000, 70_012)) expect(ubrns).to.include(n.padStart(12, '0'));
    const services = seed.services.map((s) => s.id);
    for (const id of ['10000', '12000', '13000', '14000', '21012', '50001', '51002'])
      expect(services).to.include(id);
    for (const id of [...range(11_000, 11_021), ...range(12_001, 12_019)])
      expect(services).to.include(id);
    expect(seed.patients).to.include('9912003888');
    expect(seed.appointments.map((a) => a.id).sort()).to.deep.equal(range(70_000, 70_007));
    expect(seed.generateSlots).to.equal(false);
  });

  it('is chosen by name (startSandbox world) or by a seed file with base: nhs', async () => {
    expect(DEFAULT_WORLD, 'the default world is flipped by the flows branch').to.be.oneOf([
      'legacy',
      'nhs',
    ]);
    const fromFile = await loadSeedFile(NHS_FILE, SEED_WORLDS.legacy);
    expect(fromFile.referrals.map((r) => r.ubrn)).to.deep.equal(
      NHS_SEED.referrals.map((r) => r.ubrn),
    );
    const sandbox = await startSandbox({ world: 'nhs' });
    try {
      const res = await fetch(`${sandbox.url}/FHIR/STU3/ReferralRequest/000000070003`, {
        headers: PLATFORM('REFERRING_CLINICIAN'),
      });
      expect(res.status).to.equal(200);
      const body = (await res.json()) as { meta: { versionId: string } };
      expect(body.meta.versionId).to.equal('5');
      expect(
        [...sandbox.state.slots.values()].filter((s) => s.serviceId === '11000'),
      ).to.have.length(14);
    } finally {
      await sandbox.close();
    }
  });

  it('refuses an unknown base world', async () => {
    const { mergeSeed } = await import('../../src/sandbox/index.js');
    expect(() => mergeSeed(NHS_SEED, { base: 'nowhere' })).to.throw(/base: "nowhere"/);
  });
});
