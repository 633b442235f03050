import { expect } from 'chai';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { EngineError } from '../../../src/core/errors.js';
import type { DestinationContext, MappedMessage } from '../../../src/core/plugins.js';
import {
  createReplyDestination,
  ReplyDestinationSchema,
} from '../../../src/destinations/reply/index.js';
import { createMappingTransformer } from '../../../src/mapping/index.js';
import type { StoredMessage } from '../../../src/core/store-types.js';
import { storelessServices } from '../../support/destination-services.js';

const MAPPING = `id: reply-test
input: hl7v2
when: MSH-9.1 = REF
operation: A013
inputs:
  ubrn:
    from: ZRF-2
  version:
    const: "1"
reply:
  fields:
    MSA-3: 'UBRN {{ers.ubrn}}'
  segments:
    - 'ZRF|1|{{ers.ubrn}}'
`;

const NO_REPLY = MAPPING.replace(/reply:[\s\S]*$/, '');

async function send(m: MappedMessage, previous: DestinationContext['previous'], from = 'ers') {
  return createReplyDestination(ReplyDestinationSchema.parse({ from })).send(context(m, previous));
}

function mapped(hash: string, mappingId = 'reply-test'): MappedMessage {
  return {
    kind: 'mapped',
    operation: 'A013',
    input: { ubrn: '000000070000', version: '1' },
    mappingId,
    mappingHash: hash,
  };
}

function context(m: MappedMessage, previous: DestinationContext['previous']): DestinationContext {
  const logger = pino({ level: 'silent' });
  return {
    channelId: 'c',
    logger,
    services: storelessServices(logger),
    message: { id: 1, raw: null, status: 'TRANSFORMED' } as unknown as StoredMessage,
    mapped: m,
    previous,
    now: Date.now(),
    signal: new AbortController().signal,
  };
}

/** Compiles a mapping through the real transformer (which makes it findable by hash) and maps one message. */
async function mappedWith(dir: string, text: string, file: string): Promise<MappedMessage> {
  writeFileSync(join(dir, 'mappings', file), text);
  const t = createMappingTransformer({ mappings: [`mappings/${file}`] }, { configDir: dir });
  const raw = Buffer.from(
    'MSH|^~\\&|PAS|RXX01|ERS|RXX01|20261125091500||REF^I12|C1|P|2.4\rZRF|1|000000070000\r',
  );
  const result = await t.transform(
    { id: 1, raw, contentType: 'application/hl7-v2' } as unknown as StoredMessage,
    {
      channelId: 'c',
      logger: pino({ level: 'silent' }),
      services: {} as DestinationContext['services'],
      now: Date.now(),
    },
  );
  if (result.kind !== 'mapped') throw new Error('expected the sample to map');
  return result;
}

describe('reply destination', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ers-reply-'));
    mkdirSync(join(dir, 'mappings', 'tables'), { recursive: true });
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts the UBRN the e-RS destination returned into the ACK fields and a Z-segment', async () => {
    const m = await mappedWith(dir, MAPPING, 'a.yaml');
    const destination = createReplyDestination(ReplyDestinationSchema.parse({}));
    const result = await destination.send(
      context(m, { ers: { output: { ubrn: '000000070000' } } }),
    );
    expect(result.output).to.deep.equal({
      ack: { fields: { 'MSA-3': 'UBRN 000000070000' }, segments: ['ZRF|1|000000070000'] },
    });
  });

  it('reads the destination named by `from`', async () => {
    const m = await mappedWith(dir, MAPPING, 'a.yaml');
    const out = await send(m, { call: { output: { ubrn: '000000012345' } } }, 'call');
    expect((out.output?.ack as { segments: string[] }).segments).to.deep.equal([
      'ZRF|1|000000012345',
    ]);
  });

  it('answers nothing for a mapping without a reply section', async () => {
    const m = await mappedWith(dir, NO_REPLY, 'b.yaml');
    const out = await send(m, { ers: { output: { ubrn: '1' } } });
    expect(out.output?.ack).to.deep.equal({ fields: {}, segments: [] });
  });

  it('refuses a message whose mapping is not loaded', async () => {
    let caught: unknown;
    try {
      await send(mapped('0000deadbeef', 'not-loaded'), {});
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(EngineError);
    expect((caught as EngineError).code).to.equal('MAP_NO_MATCHING_MAPPING');
  });

  it('rejects unknown keys in its channel configuration', () => {
    expect(ReplyDestinationSchema.safeParse({ form: 'ers' }).success).to.equal(false);
  });
});
