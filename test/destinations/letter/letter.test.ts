import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { createLetterDestination, letterFacts } from '../../../src/destinations/letter/index.js';
import { EngineError } from '../../../src/core/errors.js';
import type { DestinationContext, PluginFactoryContext } from '../../../src/core/plugins.js';
import { pdfPages, sample, NOW } from '../../letters/pdf-text.js';

const logger = pino({ level: 'silent' });
const factoryFor = (dir: string): PluginFactoryContext =>
  ({
    channelId: 'c',
    configDir: resolve('.'),
    dataDir: dir,
    logger,
    services: {},
  }) as unknown as PluginFactoryContext;

const contextFor = (input: Record<string, unknown>, previous: object): DestinationContext =>
  ({
    channelId: 'c',
    logger,
    services: {},
    message: { id: 7, attempts: 1, raw: null },
    mapped: { kind: 'mapped', operation: 'A016', input, mappingId: 'm', mappingHash: 'h' },
    previous,
    now: NOW.getTime(),
  }) as unknown as DestinationContext;

describe('letter destination: local template to a folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'letter-dest-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the booked confirmation PDF named with the UBRN from the previous destination', async () => {
    const dest = createLetterDestination(
      {
        source: 'local',
        template: 'mappings/letters/booked-confirmation.yaml',
        folder: 'letters',
        fileName: 'letter-{ubrn}-{date}.pdf',
      },
      factoryFor(dir),
    );
    const result = await dest.send(
      contextFor(sample('booked-confirmation'), { ers: { output: { ubrn: '000040009099' } } }),
    );
    const name = 'letter-000040009099-2026-11-25.pdf';
    expect(readdirSync(join(dir, 'letters'))).to.deep.equal([name]);
    expect(result.output).to.deep.include({
      letterPath: join(dir, 'letters', name),
      letterSource: 'local',
      letterFileName: name,
    });
    const text = pdfPages(readFileSync(join(dir, 'letters', name))).join('\n');
    expect(text).to.contain('000040009099');
    expect(text).to.contain('Siân Llŷr Prŵst');
  });

  it('fails with LETTER_NO_UBRN when neither an earlier destination nor the data has a UBRN', async () => {
    const dest = createLetterDestination(
      { source: 'local', template: 'mappings/letters/booked-confirmation.yaml', folder: 'l' },
      factoryFor(dir),
    );
    const data = { ...sample('booked-confirmation'), referral: { specialty: 'Cardiology' } };
    const error = await dest.send(contextFor(data, {})).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(EngineError);
    expect((error as EngineError).code).to.equal('LETTER_NO_UBRN');
  });

  it('refuses at channel start a source that needs e-RS when e-RS is not configured', () => {
    expect(() =>
      createLetterDestination(
        {
          source: 'ers-then-local',
          template: 'mappings/letters/booked-confirmation.yaml',
          folder: 'l',
        },
        factoryFor(dir),
      ),
    ).to.throw(EngineError, /needs e-RS/);
  });
});

describe('letter destination: letter data', () => {
  it('lays fixed config data under the message data and takes the UBRN of an earlier destination first', () => {
    const facts = letterFacts(
      { organisation: { name: 'Ysbyty Gwynedd', phone: '01248 384384' } },
      contextFor(
        {
          organisation: { phone: '03000 84 84 84' },
          referral: { ubrn: '0000 4000 0001' },
          nhsNumber: '991 200 3888',
        },
        { ers: { output: { ubrn: '000040009099' } } },
      ),
    );
    expect(facts.ubrn).to.equal('000040009099');
    expect(facts.nhsNumber).to.equal('9912003888');
    expect(facts.data['organisation']).to.deep.equal({
      name: 'Ysbyty Gwynedd',
      phone: '03000 84 84 84',
    });
    expect(facts.data['referral']).to.deep.equal({ ubrn: '000040009099' });
  });

  it('reads a spaced UBRN from the data when no earlier destination has one', () => {
    const facts = letterFacts({}, contextFor({ referral: { ubrn: '0000 4000 0001' } }, {}));
    expect(facts.ubrn).to.equal('000040000001');
  });
});
