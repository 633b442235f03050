/**
 * Letter rendering speed: the appointment-request template with its sample data (1 page) and
 * with a 30-service shortlist (2 pages), beside a bare one-page pdfkit document that embeds the
 * same DejaVu Sans and writes one line (the floor: font subsetting and compression dominate).
 * Templates are parsed once, as the engine would cache them.
 */
import PDFDocument from 'pdfkit';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FONT_DIR, loadLetterTemplate, renderTemplate } from '../src/letters/index.js';
import type { Benchmark } from './run.js';

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
    for (const [label, input] of [
      ['appointment-request, 3 services ', data],
      ['appointment-request, 30 services', long],
    ] as const) {
      const r = await rate(() => renderTemplate(template, input, { now: NOW }));
      console.log(
        `${label}   ${r.perSecond.toFixed(1).padStart(7)} letters/s ${r.ms.toFixed(1).padStart(6)} ms/letter = ${(r.ms / floor.ms).toFixed(2)}x the bare page`,
      );
    }
  },
};
export default benchmark;
