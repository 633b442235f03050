import { expect } from 'chai';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import hl7 from 'simple-hl7';
import { compileHl7Path, parseHl7 } from '../../../src/formats/hl7v2/index.js';
import { frameMllp } from '../../../src/sources/mllp/index.js';
import { createHarness, endpointPort, eventually } from '../../support/engine-harness.js';
import { sample } from '../../formats/hl7v2/samples.js';
import { exchange } from '../../sources/mllp/support.js';
import { pdfPages } from '../../letters/pdf-text.js';

describe('shipped channel channels/letters-pas.yaml', () => {
  it('turns a REF^I12 into a referral and files its e-RS patient letter in the PAS as MDM^T02', async () => {
    const got: string[] = [];
    const pas = hl7.Server.createTcpServer((err, req, res) => {
      if (err === null) {
        got.push(req.raw.slice(1, -2));
        res.end();
      }
    });
    pas.start(0);
    const h = createHarness();
    try {
      if (!pas.server.listening) await once(pas.server, 'listening');
      const pasPort = (pas.server.address() as AddressInfo).port;
      // The shipped file as users get it, with its ${VAR:-default}s set as an operator would.
      const shipped = readFileSync('channels/letters-pas.yaml', 'utf8')
        .replace('${ERS_BRIDGE_LETTERS_ENABLED:-false}', 'true')
        .replace('${ERS_BRIDGE_LETTERS_MLLP_PORT:-2577}', '0')
        .replace('${ERS_BRIDGE_PAS_MDM_PORT:-2576}', String(pasPort))
        .replaceAll('- mappings/', `- ${join(process.cwd(), 'mappings')}/`);
      h.writeChannel('letters-pas.yaml', shipped);
      const running = await h.start('sandbox: { enabled: true, port: 0 }\n');
      expect(running.failures).to.deep.equal([]);
      const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
      await exchange(port, [frameMllp(sample('ref-i12.hl7'))], { expect: 1 });
      const m = await eventually(async () => {
        const found = await running.store.findByControlId('letters-pas', 'PAS/RXX01', 'PAS0000123');
        return found?.status === 'SENT' ? found : undefined;
      });
      const ubrn = (m.destinationResults['ers'] as { output: { ubrn: string } }).output.ubrn;
      expect(got).to.have.length(1);
      const mdm = parseHl7(got[0]!);
      expect(compileHl7Path('MSH-6').first(mdm)).to.equal('RXX01');
      expect(compileHl7Path('TXA-14.1').first(mdm)).to.equal(ubrn);
      const pdf = Buffer.from(compileHl7Path('OBX-5.5').first(mdm) ?? '', 'base64');
      const text = pdfPages(pdf).join('\n');
      expect(text).to.include(ubrn.replace(/(\d{4})(\d{4})(\d{4})/, '$1 $2 $3'));
      expect(text).to.include('sent for assessment');
    } finally {
      await h.cleanup();
      pas.stop();
    }
  });
});
