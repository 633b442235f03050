/**
 * Letter rendering speed: the appointment-request template with its sample data (1 page) and
 * with a 30-service shortlist (2 pages), beside a bare one-page pdfkit document that embeds the
 * same DejaVu Sans and writes one line (the floor: font subsetting and compression dominate).
 * Templates are parsed once, as the engine would cache them. Then what the letter destination
 * adds: A019 from the local e-RS sandbox over HTTP (one call a letter, no quota wait), and the
 * MDM^T02 with the PDF base64 in OBX-5.
 */
import PDFDocument from 'pdfkit';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FONT_DIR, loadLetterTemplate, renderTemplate } from '../src/letters/index.js';
import { buildLetterMdm } from '../src/destinations/letter/index.js';
import { LetterMdmSchema } from '../src/destinations/letter/schema.js';
import { startSandbox } from '../src/sandbox/index.js';
import type { Benchmark } from './run.js';
import { benchErsClient } from './support/ers-client.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const NOW = new Date('2026-11-25T09:00:00Z');

async function bare(): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', info: { CreationDate: NOW } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => {
    doc.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
  });
  doc.registerFont('body', join(FONT_DIR, 'DejaVuSans.ttf'));
  doc.font('body').fontSize(11).text('Siân Llŷr Prŵst, UBRN 0000 4000 1234');
  doc.end();
  return done;
}

async function rate(render: () => Promise<Buffer>): Promise<{ perSecond: number; ms: number }> {
  await render(); // warm-up: font parsing caches, JIT
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < SECONDS * 1000) {
    await render();
    n++;
  }
  const elapsed = performance.now() - started;
  return { perSecond: (n * 1000) / elapsed, ms: elapsed / n };
}

function print(
  label: string,
  r: { perSecond: number; ms: number },
  base: { ms: number; label: string },
  unit = 'letters',
): void {
  console.log(
    `${label}   ${r.perSecond.toFixed(1).padStart(7)} ${unit}/s ${r.ms.toFixed(2).padStart(7)} ms/${unit.replace(/s$/, '')} = ${(r.ms / base.ms).toFixed(3)}x ${base.label}`,
  );
}

const benchmark: Benchmark = {
  name: 'letters: PDF letters rendered per second',
  async run() {
    const template = await loadLetterTemplate('mappings/letters/appointment-request.yaml');
    const data = JSON.parse(
      readFileSync('samples/letters/appointment-request.json', 'utf8'),
    ) as Record<string, unknown>;
    const long = {
      ...data,
      services: Array.from({ length: 30 }, (_, i) => ({
        name: `Clinic ${i + 1} – Ysbyty Ŵyn`,
        address: `${i + 1} Heol y Llan, Llanfairpwll LL61 5UJ`,
        phone: '01248 100000',
      })),
    };
    const floor = await rate(bare);
    console.log(
      `bare pdfkit page, same font         ${floor.perSecond.toFixed(1).padStart(7)} docs/s  ${floor.ms.toFixed(1).padStart(6)} ms/doc  (baseline)`,
    );
    const baseline = { ms: floor.ms, label: 'the bare page' };
    let letterMs = 1;
    let onePage: Buffer = Buffer.alloc(0);
    for (const [label, input] of [
      ['appointment-request, 3 services ', data],
      ['appointment-request, 30 services', long],
    ] as const) {
      const r = await rate(
        async () => (onePage = await renderTemplate(template, input, { now: NOW })),
      );
      print(label, r, baseline);
      if (input === data) letterMs = r.ms;
    }
    const sandbox = await startSandbox({ port: 0 });
    try {
      const ers = benchErsClient(sandbox.url, { requestsPerMinute: 1_000_000, timeoutMs: 10_000 });
      const created = await ers.execute('A011', {
        nhsNumber: '9912003888',
        priority: 'ROUTINE',
        serviceIds: ['10000'],
      });
      const ubrn = created.output['ubrn'] ?? '';
      const a019 = await rate(
        async () => (await ers.execute('A019', { ubrn })).bytes ?? Buffer.alloc(0),
      );
      print('A019 from the sandbox over HTTP    ', a019, baseline);
    } finally {
      await sandbox.close();
    }
    const mdm = LetterMdmSchema.parse({});
    const build = await rate(() =>
      Promise.resolve(
        Buffer.from(
          buildLetterMdm(
            {
              pdf: onePage,
              ubrn: '000040001234',
              nhsNumber: '9912003888',
              fileName: 'l.pdf',
              controlId: 'LTR1.1',
              now: NOW.getTime(),
            },
            mdm,
          ),
        ),
      ),
    );
    print(
      `MDM^T02 around a ${(onePage.length / 1024).toFixed(0)} KB PDF (base64)  `,
      build,
      { ms: letterMs, label: 'the 3-service letter' },
      'msgs',
    );
  },
};
export default benchmark;
