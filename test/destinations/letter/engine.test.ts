import { expect } from 'chai';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import hl7 from 'simple-hl7';
import type { RunningEngine } from '../../../src/main/run.js';
import { slotSearchFacts } from '../../../src/ers/readers/referral.js';
import { compileHl7Path, parseHl7 } from '../../../src/formats/hl7v2/index.js';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../../support/engine-harness.js';
import { pdfPages, sample } from '../../letters/pdf-text.js';
import { frameMllp } from '../../../src/sources/mllp/index.js';
import { exchange } from '../../sources/mllp/support.js';

/** A real MLLP listener standing in for the PAS: keeps each message and answers AA. */
async function startPas(): Promise<{ port: number; got: string[]; stop(): void }> {
  const got: string[] = [];
  const pas = hl7.Server.createTcpServer((err, req, res) => {
    if (err === null) {
      // simple-hl7 hands over the frame with its start and end blocks.
      got.push(req.raw.slice(1, -2));
      res.end();
    }
  });
  pas.start(0);
  if (!pas.server.listening) await once(pas.server, 'listening');
  return {
    port: (pas.server.address() as AddressInfo).port,
    got,
    stop: () => {
      pas.stop();
    },
  };
}

/** The PDF a PAS would file: OBX-5.5 of the MDM^T02, base64-decoded. */
function pdfOf(mdm: string): Buffer {
  const msg = parseHl7(mdm);
  expect(compileHl7Path('MSH-9.2').first(msg)).to.equal('T02');
  return Buffer.from(compileHl7Path('OBX-5.5').first(msg) ?? '', 'base64');
}

const letterChannel = (opts: { pasPort: number; source: string; withErs: boolean }): string => `
id: letters
source: { type: http, port: 0 }
destinations:
${opts.withErs ? '  - { name: ers, type: ers, operation: A011 }\n' : ''}  - name: letter
    type: letter
    source: ${opts.source}
    template: ${join(process.cwd(), 'mappings/letters/booked-confirmation.yaml')}
    folder: letters
    mdm: { receivingApplication: PAS, receivingFacility: RX1 }
  - { name: pas, type: mllp, host: 127.0.0.1, port: ${opts.pasPort}, ackTimeoutMs: 5000 }
retry: { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 50, jitterRatio: 0 }
`;

async function post(running: RunningEngine, body: unknown): Promise<number> {
  const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
  const res = await fetch(`http://127.0.0.1:${port}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return ((await res.json()) as { id: number }).id;
}

const settled = (running: RunningEngine, id: number, status: string) =>
  eventually(async () => {
    const m = await running.store.get(id);
    return m?.status === status ? m : undefined;
  });

/** Creates a referral to directly bookable service 11000 (NHS's test world) and books its first slot. */
async function bookedReferral(running: RunningEngine): Promise<string> {
  const ers = running.engine.services.ers!;
  const created = await ers.execute('A011', {
    nhsNumber: '9912003888',
    priority: 'ROUTINE',
    serviceIds: ['11000'],
  });
  // A015 wants the referral's priority and commissioning-rule organisation (read by A005).
  const referral = (await ers.execute('A005', { ubrn: created.output['ubrn'] })).resource;
  const bundle = (
    await ers.execute('A015', { serviceId: '11000', count: 1, ...slotSearchFacts(referral) })
  ).resource as {
    entry: { resource: { resourceType: string; id: string; start: string; end: string } }[];
  };
  const slot = bundle.entry.find((e) => e.resource.resourceType === 'Slot')!.resource;
  await ers.execute('A016', {
    ubrn: created.output['ubrn'],
    version: created.output['version'],
    serviceId: '11000',
    nhsNumber: '9912003888',
    action: 'book',
    slotId: slot.id,
    start: slot.start,
    end: slot.end,
  });
  return created.output['ubrn']!;
}

describe('letter destination in a running engine with the sandbox and a PAS', () => {
  let h: Harness;
  let pas: Awaited<ReturnType<typeof startPas>>;
  beforeEach(async () => {
    h = createHarness();
    pas = await startPas();
  });
  afterEach(async () => {
    await h.cleanup();
    pas.stop();
  });

  it('gets the A019 letter from e-RS for a new, unbooked referral and sends it to the PAS as MDM^T02', async () => {
    h.writeChannel(
      'c.yaml',
      letterChannel({ pasPort: pas.port, source: 'ers-then-local', withErs: true }),
    );
    const running = await h.start('sandbox: { enabled: true, port: 0 }\n');
    const id = await post(running, {
      nhsNumber: '9912003888',
      priority: 'ROUTINE',
      serviceIds: ['11000'],
    });
    const m = await settled(running, id, 'SENT');
    const ubrn = (m.destinationResults['ers'] as { output: { ubrn: string } }).output.ubrn;
    const letter = m.destinationResults['letter'] as { response: Record<string, unknown> };
    expect(letter.response['letterSource']).to.equal('ers');
    expect(letter.response['transactionId']).to.be.a('string');
    expect((await running.store.listErsAudit({})).map((a) => a.endpoint)).to.deep.equal([
      'A011',
      'A019',
    ]);
    expect(pas.got).to.have.length(1);
    expect(compileHl7Path('PID-3.1').first(parseHl7(pas.got[0]!))).to.equal('9912003888');
    const [page] = pdfPages(pdfOf(pas.got[0]!));
    expect(page).to.include(ubrn.replace(/(\d{4})(\d{4})(\d{4})/, '$1 $2 $3'));
    expect(page).to.include('book your appointment');
    const files = readdirSync(join(h.dataDir, 'letters'));
    expect(files).to.have.length(1);
    expect(files[0]).to.match(new RegExp(`^letter-${ubrn}-\\d{4}-\\d\\d-\\d\\d\\.pdf$`));
    const filed = readFileSync(join(h.dataDir, 'letters', files[0]!));
    expect(filed.equals(pdfOf(pas.got[0]!))).to.equal(true);
  });

  it('renders the local booked confirmation when e-RS refuses A019 for a booked referral', async () => {
    h.writeChannel(
      'c.yaml',
      letterChannel({ pasPort: pas.port, source: 'ers-then-local', withErs: false }),
    );
    const running = await h.start('sandbox: { enabled: true, port: 0 }\n');
    const ubrn = await bookedReferral(running);
    const data = sample('booked-confirmation');
    const referral = { ...(data['referral'] as object), ubrn };
    const id = await post(running, { ...data, referral });
    const m = await settled(running, id, 'SENT');
    expect(m.destinationResults['letter']).to.deep.include({
      response: { letterSource: 'local', fallback: 'INVALID_REQUEST_STATE' },
    });
    expect(pas.got).to.have.length(1);
    const [page] = pdfPages(pdfOf(pas.got[0]!));
    expect(page).to.include('Your appointment is booked');
    expect(page).to.include('Siân Llŷr Prŵst');
    expect(page).to.include(ubrn);
  });

  it('puts the message in ERROR, sending nothing to the PAS, when the source is e-RS only and the referral is booked', async () => {
    h.writeChannel('c.yaml', letterChannel({ pasPort: pas.port, source: 'ers', withErs: false }));
    const running = await h.start('sandbox: { enabled: true, port: 0 }\n');
    const ubrn = await bookedReferral(running);
    const id = await post(running, { ubrn });
    const m = await settled(running, id, 'ERROR');
    expect(m.error?.code).to.equal('ERS_REJECTED');
    expect(m.error?.context).to.deep.include({ ersCodes: ['INVALID_REQUEST_STATE'] });
    expect(pas.got).to.have.length(0);
  });

  it('fills the local booked confirmation from the PAS booking message (HL7 fields) when A019 refuses', async () => {
    h.writeChannel(
      'c.yaml',
      `
id: booked-letters
source: { type: mllp, host: 127.0.0.1, port: 0 }
destinations:
  - name: letter
    type: letter
    template: ${join(process.cwd(), 'mappings/letters/booked-confirmation.yaml')}
    data:
      organisation: { name: Ysbyty Gwynedd, address1: Penrhosgarnedd, town: Bangor, postcode: LL57 2PW, phone: 03000 84 84 84, signatory: Outpatient Booking Team }
      appointment: { service: Cardiology – Ysbyty Gwynedd, address: 'Outpatients, Penrhosgarnedd, Bangor LL57 2PW', phone: 03000 84 10 10 }
    fields:
      referral.ubrn: ZRF-2
      referral.specialty: AIS-3.2
      patient.name: [PID-5.5, PID-5.2, PID-5.1]
      patient.address1: PID-11.1
      patient.town: PID-11.3
      patient.postcode: PID-11.5
      patient.nhsNumber: PID-3[CX.5=NH].1
      appointment.date: { path: SCH-11.4, format: date }
      appointment.time: { path: SCH-11.4, format: time }
      appointment.clinician: [AIP-3.6, AIP-3.3, AIP-3.2]
    mdm: { receivingApplication: PAS }
  - { name: pas, type: mllp, host: 127.0.0.1, port: ${pas.port}, ackTimeoutMs: 5000 }
retry: { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 50, jitterRatio: 0 }
`,
    );
    const running = await h.start('sandbox: { enabled: true, port: 0 }\n');
    const ubrn = await bookedReferral(running);
    const siu = [
      'MSH|^~\\&|PAS|RXX01|ERS-BRIDGE|RXX01|20261125091500||SIU^S12^SIU_S12|PAS0000300|P|2.5|||AL|NE|GBR|UNICODE UTF-8',
      'SCH|1||||||||||^^^202612151040|||||||||||||||BOOKED',
      'PID|1||9912003888^^^NHS^NH||Prŵst^Siân^Llŷr^^Ms||19610314|F|||12 Ffordd Łŵyd^^Caernarfon^^LL55 1AB',
      'AIS|1||CARD^Cardiology',
      'AIP|1||C1234567^ap Ŵyn^Rhodri^^^Dr',
      `ZRF|1|${ubrn}`,
    ].join('\r');
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    await exchange(port, [frameMllp(Buffer.from(siu))], { expect: 1 });
    const m = await eventually(async () => {
      const found = await running.store.findByControlId(
        'booked-letters',
        'PAS/RXX01',
        'PAS0000300',
      );
      return found?.status === 'SENT' ? found : undefined;
    });
    expect(m.destinationResults['letter']).to.deep.include({
      response: { letterSource: 'local', fallback: 'INVALID_REQUEST_STATE' },
    });
    const [page] = pdfPages(pdfOf(pas.got[0]!));
    expect(page).to.include('Ms Siân Prŵst');
    expect(page).to.include('12 Ffordd Łŵyd');
    expect(page).to.include('Tuesday 15 December 2026');
    expect(page).to.include('10:40');
    expect(page).to.include('Dr Rhodri ap Ŵyn');
    expect(page).to.include('Your Cardiology appointment is booked');
    expect(page).to.include(ubrn);
  });
});
