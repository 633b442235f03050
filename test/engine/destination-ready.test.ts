import { expect } from 'chai';
import { z } from 'zod';
import { EngineError } from '../../src/core/errors.js';
import { destinations } from '../../src/core/registry.js';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../support/engine-harness.js';

/**
 * Decision 180: the engine awaits a destination's `ready` BEFORE the write that marks it in
 * flight, and hands what it returned to `send`. A test destination registered through the public
 * registry reads the real store from inside each hook, so the order is observed, not assumed.
 */
interface Seen {
  readonly hook: 'ready' | 'send';
  readonly name: string;
  readonly inFlight: string | null;
  readonly done: string[];
  readonly prepared?: unknown;
}
const seen: Seen[] = [];

const Schema = z.object({ refuseReady: z.boolean().default(false) }).strict();

if (destinations.get('test-ready') === undefined)
  destinations.register({
    type: 'test-ready',
    description: 'test only: a destination with a ready hook that records the stored state',
    schema: Schema,
    create: (config: z.infer<typeof Schema>, factory) => {
      const name = factory.destinationName;
      const stored = async (ctx: {
        services: { store: { get(id: number): Promise<unknown> } };
        message: { id: number };
      }) => {
        const m = (await ctx.services.store.get(ctx.message.id)) as {
          inFlightDestination: string | null;
          destinationResults: Record<string, unknown>;
        };
        return { inFlight: m.inFlightDestination, done: Object.keys(m.destinationResults) };
      };
      return {
        async ready(ctx) {
          seen.push({ hook: 'ready', name, ...(await stored(ctx)) });
          if (config.refuseReady)
            throw new EngineError('DEST_REJECTED', 'refused before anything was sent');
          return { readyFor: name };
        },
        async send(ctx) {
          seen.push({ hook: 'send', name, ...(await stored(ctx)), prepared: ctx.prepared });
          return { output: { by: name } };
        },
      };
    },
  });

describe('engine: a destination’s ready hook runs before it is marked in flight', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    seen.length = 0;
  });
  afterEach(() => h.cleanup());

  async function run(destinationsYaml: string, final: string) {
    h.writeChannel(
      'c.yaml',
      `id: ready\nsource: { type: http, port: 0 }\ndestinations:\n${destinationsYaml}` +
        'retry: { maxAttempts: 1 }\n',
    );
    const running = await h.start();
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const res = await fetch(`http://127.0.0.1:${port}/messages`, { method: 'POST', body: '{}' });
    const { id } = (await res.json()) as { id: number };
    return eventually(async () => {
      const m = await running.store.get(id);
      return m?.status === final ? m : undefined;
    });
  }

  it('calls ready unmarked, then send marked with what ready prepared, for each destination of a chain', async () => {
    const m = await run(
      '  - { name: first, type: test-ready }\n  - { name: second, type: test-ready }\n',
      'SENT',
    );
    expect(seen).to.deep.equal([
      { hook: 'ready', name: 'first', inFlight: null, done: [] },
      {
        hook: 'send',
        name: 'first',
        inFlight: 'first',
        done: [],
        prepared: { readyFor: 'first' },
      },
      // The first's result is written before the second waits, with nothing marked in flight.
      { hook: 'ready', name: 'second', inFlight: null, done: ['first'] },
      {
        hook: 'send',
        name: 'second',
        inFlight: 'second',
        done: ['first'],
        prepared: { readyFor: 'second' },
      },
    ]);
    expect(m.inFlightDestination).to.equal(null);
  });

  it('fails a message whose ready throws without sending it or marking it in flight', async () => {
    const m = await run('  - { name: only, type: test-ready, refuseReady: true }\n', 'ERROR');
    expect(seen.map((s) => [s.hook, s.inFlight])).to.deep.equal([['ready', null]]);
    expect(m.error?.code).to.equal('DEST_REJECTED');
    expect(m.inFlightDestination).to.equal(null);
  });
});
