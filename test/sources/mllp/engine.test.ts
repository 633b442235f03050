import { expect } from 'chai';
import { z } from 'zod';
import type { MessageStore } from '../../../src/core/store-types.js';
import { EngineError } from '../../../src/core/errors.js';
import { destinations } from '../../../src/core/registry.js';
import { frameMllp } from '../../../src/sources/mllp/index.js';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../../support/engine-harness.js';
import { sample } from '../../formats/hl7v2/samples.js';
import { ackValue, adt, exchange } from './support.js';

/** A reply destination as the e-RS one will be: it returns the new UBRN for the ACK. */
if (destinations.get('test-ack-reply') === undefined) {
  destinations.register({
    type: 'test-ack-reply',
    description: 'test only: contributes a UBRN to the application ACK',
    schema: z.object({ delayMs: z.number().default(0) }).strict(),
    create: (config: { delayMs: number }) => ({
      async send(ctx) {
        const raw = ctx.message.raw?.toString('utf8') ?? '';
        if (config.delayMs > 0) await new Promise((r) => setTimeout(r, config.delayMs));
        if (raw.includes('REFUSE')) {
          throw new EngineError('DEST_REJECTED', 'e-RS refused the referral', { at: 'PID-3' });
        }
        return {
          output: {
            ack: { fields: { 'MSA-3': '000000070000' }, segments: ['ZRF|1|000000070000'] },
          },
        };
      },
    }),
  });
}

const channel = (ack: string, delayMs = 0) => `id: pas-in
name: PAS in
source:
  type: mllp
  host: 127.0.0.1
  port: 0
  ack: ${ack}
destinations:
  - name: ers
    type: test-ack-reply
    delayMs: ${delayMs}
`;

describe('MLLP source in a running engine', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  async function start(yaml: string): Promise<{ port: number; store: MessageStore }> {
    h.writeChannel('pas-in.yaml', yaml);
    const running = await h.start();
    return {
      port: endpointPort(running.engine.channels()[0]?.source?.endpoint),
      store: running.store,
    };
  }

  it('answers an application ACK carrying the UBRN from the reply destination', async () => {
    const { port, store } = await start(
      channel('{ mode: application, applicationTimeoutMs: 10000 }'),
    );
    // Enhanced mode: MSH-16 = AL asks for the application ACK.
    const ref = sample('ref-i12.hl7').toString('utf8').replace('|AL|NE|', '|AL|AL|');
    const { replies } = await exchange(port, [frameMllp(ref)], { expect: 1, timeoutMs: 15_000 });
    const ack = replies[0]!;
    expect(ackValue(ack, 'MSA-1')).to.equal('AA');
    expect(ackValue(ack, 'MSA-2')).to.equal('PAS0000123');
    expect(ackValue(ack, 'MSA-3')).to.equal('000000070000');
    expect(ackValue(ack, 'ZRF-2')).to.equal('000000070000');
    const stored = await store.findByControlId('pas-in', 'PAS/RXX01', 'PAS0000123');
    expect(stored?.reply).to.equal(ack);
  });

  it('answers AE with an ERR naming the field when the message fails', async () => {
    const { port } = await start(channel('{ mode: application, applicationTimeoutMs: 10000 }'));
    const { replies } = await exchange(port, [frameMllp(adt('R1', 'REFUSE'))], {
      expect: 1,
      timeoutMs: 15_000,
    });
    expect(ackValue(replies[0]!, 'MSA-1')).to.equal('AE');
    expect(ackValue(replies[0]!, 'ERR-2')).to.equal('PID^1^3^1');
    expect(ackValue(replies[0]!, 'ERR-8')).to.equal('e-RS refused the referral');
  });

  it('sends only the commit ACK when MSH-16 says NE, even in application mode', async () => {
    const { port } = await start(channel('{ mode: application, applicationTimeoutMs: 10000 }'));
    const { replies } = await exchange(port, [frameMllp(sample('ref-i12.hl7'))], {
      expect: 1,
      timeoutMs: 15_000,
    });
    expect(ackValue(replies[0]!, 'MSA-1')).to.equal('CA');
  });

  it('answers an interim AA marked PENDING (never a bare AA) when the outcome takes longer than applicationTimeoutMs, then keeps the outcome as the reply', async () => {
    const { port, store } = await start(
      channel('{ mode: application, applicationTimeoutMs: 100 }', 1500),
    );
    const { replies } = await exchange(port, [frameMllp(adt('SLOW1'))], {
      expect: 1,
      timeoutMs: 15_000,
    });
    expect(ackValue(replies[0]!, 'MSA-1')).to.equal('AA');
    expect(ackValue(replies[0]!, 'MSA-3')).to.equal('PENDING');
    expect(ackValue(replies[0]!, 'ERR-4')).to.equal('I');
    expect(ackValue(replies[0]!, 'ERR-5.1')).to.equal('OUTCOME_PENDING');
    const stored = await eventually(async () => {
      const m = await store.findByControlId('pas-in', 'PAS/RXX01', 'SLOW1');
      return m?.status === 'SENT' && m.reply !== replies[0] ? m : undefined;
    });
    expect(ackValue(stored.reply!, 'MSA-3')).to.equal('000000070000');
  });

  it('answers AE as the interim answer with ack.interim error, and the resend gets the outcome once known', async () => {
    const { port, store } = await start(
      channel('{ mode: application, applicationTimeoutMs: 100, interim: error }', 1500),
    );
    const first = await exchange(port, [frameMllp(adt('SLOW2'))], { expect: 1, timeoutMs: 15_000 });
    expect(ackValue(first.replies[0]!, 'MSA-1')).to.equal('AE');
    expect(ackValue(first.replies[0]!, 'ERR-4')).to.equal('W');
    expect(ackValue(first.replies[0]!, 'ERR-5.1')).to.equal('OUTCOME_PENDING');
    await eventually(async () => {
      const m = await store.findByControlId('pas-in', 'PAS/RXX01', 'SLOW2');
      return m?.status === 'SENT' && m.reply !== first.replies[0];
    });
    const again = await exchange(port, [frameMllp(adt('SLOW2'))], { expect: 1, timeoutMs: 15_000 });
    expect(ackValue(again.replies[0]!, 'MSA-1')).to.equal('AA');
    expect(ackValue(again.replies[0]!, 'MSA-3')).to.equal('000000070000');
  });

  it('answers a repeated MSH-10 with the stored application ACK', async () => {
    const { port } = await start(channel('{ mode: application, applicationTimeoutMs: 10000 }'));
    const first = await exchange(port, [frameMllp(adt('AGAIN'))], { expect: 1, timeoutMs: 15_000 });
    const second = await exchange(port, [frameMllp(adt('AGAIN'))], {
      expect: 1,
      timeoutMs: 15_000,
    });
    expect(second.replies[0]).to.equal(first.replies[0]);
    expect(ackValue(second.replies[0]!, 'MSA-3')).to.equal('000000070000');
  });

  it('takes a message through to SENT in commit mode', async () => {
    const { port, store } = await start(channel('{ mode: commit }'));
    const { replies } = await exchange(port, [frameMllp(adt('C1'))], { expect: 1 });
    expect(ackValue(replies[0]!, 'MSA-1')).to.equal('AA');
    await eventually(
      async () => (await store.findByControlId('pas-in', 'PAS/RXX01', 'C1'))?.status === 'SENT',
    );
  });
});
