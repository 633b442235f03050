import { expect } from 'chai';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import hl7 from 'simple-hl7';
import { z } from 'zod';
import { destinations } from '../../../src/core/registry.js';
import { compileHl7Path, parseHl7 } from '../../../src/formats/hl7v2/index.js';
import { frameMllp } from '../../../src/sources/mllp/index.js';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../../support/engine-harness.js';
import { sample } from '../../formats/hl7v2/samples.js';
import { exchange } from '../../sources/mllp/support.js';

/** Stands in for a reply mapping: turns each inbound message into an RRI^I12 for the PAS. */
if (destinations.get('test-outbound') === undefined) {
  destinations.register({
    type: 'test-outbound',
    description: 'test only: produces an outbound RRI^I12',
    schema: z.object({}).strict(),
    create: () => ({
      send(ctx) {
        const controlId = parseHl7(ctx.message.raw ?? '').controlId;
        const rri = sample('rri-i12.hl7')
          .toString('utf8')
          .replace('PAS0000123', controlId)
          .replace('ERS0000001', `R-${controlId}`);
        return Promise.resolve({ output: { outbound: [rri] } });
      },
    }),
  });
}

describe('MLLP destination in a running engine', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  it('sends the reply message to the PAS listener and the message ends SENT', async () => {
    const got: string[] = [];
    const pas = hl7.Server.createTcpServer((err, req, res) => {
      if (err === null) {
        got.push(req.raw);
        res.end();
      }
    });
    pas.start(0);
    try {
      if (!pas.server.listening) await once(pas.server, 'listening');
      const pasPort = (pas.server.address() as AddressInfo).port;
      h.writeChannel(
        'pas.yaml',
        `id: pas
name: PAS round trip
source: { type: mllp, host: 127.0.0.1, port: 0 }
destinations:
  - { name: reply, type: test-outbound }
  - { name: pas, type: mllp, host: 127.0.0.1, port: ${pasPort}, ackTimeoutMs: 5000 }
`,
      );
      const running = await h.start();
      const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
      await exchange(port, [frameMllp(sample('ref-i12.hl7'))], { expect: 1 });
      const stored = await eventually(async () => {
        const m = await running.store.findByControlId('pas', 'PAS/RXX01', 'PAS0000123');
        return m?.status === 'SENT' ? m : undefined;
      });
      expect(stored.destinationResults.pas).to.deep.include({
        output: { acks: [{ controlId: 'R-PAS0000123', ack: 'AA' }] },
      });
      // simple-hl7 hands over the frame with its start and end blocks.
      const delivered = parseHl7(got[0]!.slice(1, -2));
      expect(compileHl7Path('MSA-2').first(delivered)).to.equal('PAS0000123');
    } finally {
      pas.stop();
    }
  });
});
