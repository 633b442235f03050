import PDFDocument from 'pdfkit';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fill } from './placeholders.js';
import { drawTable } from './table.js';
import type { LetterBlock, LetterTemplate } from './template.js';
import { DEFAULT_MARGINS, FONT, HEADER_HEIGHT, MUTED_COLOUR, SIZE, TEXT_COLOUR } from './layout.js';

/** DejaVu Sans ships with the project: pdfkit's built-in Helvetica has no ŵ ŷ ł (WinAnsi only). */
export const FONT_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'assets',
  'fonts',
);

/** Read once per process (1.4 MB); pdfkit still parses them per document. */
let fontBytes: { regular: Buffer; bold: Buffer } | undefined;
function fonts(): { regular: Buffer; bold: Buffer } {
  fontBytes ??= {
    regular: readFileSync(join(FONT_DIR, 'DejaVuSans.ttf')),
    bold: readFileSync(join(FONT_DIR, 'DejaVuSans-Bold.ttf')),
  };
  return fontBytes;
}

export interface RenderOptions {
  /** The letter date and the PDF CreationDate/ModDate: fixing it makes the bytes reproducible. */
  readonly now: Date;
}

/** Lays the template out with the data into a PDF. Placeholders are filled first (so a missing
 * value fails before any drawing); the PDF document ID derives from the metadata, not randomness. */
export async function renderTemplate(
  template: LetterTemplate,
  data: unknown,
  options: RenderOptions,
): Promise<Buffer> {
  const at = (where: string): string => `${template.file} ${where}`;
  const title = fill(template.title, data, at('title'));
  const doc = new PDFDocument({
    size: 'A4',
    margins: { ...DEFAULT_MARGINS, ...template.page.margins },
    bufferPages: true,
    autoFirstPage: false,
    displayTitle: true,
    lang: 'en-GB',
    info: {
      Title: title,
      Author: fill(template.header.organisation, data, at('header.organisation')),
      Subject: template.id,
      Creator: 'ers-bridge',
      Producer: 'ers-bridge (pdfkit)',
      CreationDate: options.now,
      ModDate: options.now,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    doc.on('error', reject);
  });
  try {
    doc.registerFont(FONT.regular, fonts().regular);
    doc.registerFont(FONT.bold, fonts().bold);
    doc.addPage();
    drawHeader(doc, template, data, at);
    drawAddressAndDate(doc, template, data, at, options.now);
    doc.font(FONT.bold).fontSize(SIZE.title).fillColor(TEXT_COLOUR).text(title);
    doc.moveDown(0.6);
    template.blocks.forEach((block, i) => {
      drawBlock(doc, block, data, at(`blocks[${i}]`));
    });
    drawFooters(doc, template, data, at);
  } catch (error) {
    doc.end();
    await done.catch(() => undefined);
    throw error;
  }
  doc.end();
  return done;
}

type At = (where: string) => string;

function drawHeader(doc: PDFKit.PDFDocument, t: LetterTemplate, data: unknown, at: At): void {
  const { left, right } = doc.page.margins;
  doc.rect(0, 0, doc.page.width, HEADER_HEIGHT).fill(t.header.colour);
  const org = fill(t.header.organisation, data, at('header.organisation'));
  const address = t.header.address.map((line, i) => fill(line, data, at(`header.address[${i}]`)));
  // The organisation name gets most of the band: trust names are long (two lines at most).
  const content = doc.page.width - left - right;
  const nameWidth = content * 0.64;
  const logoWidth = t.header.logo === undefined ? 0 : 60;
  if (t.header.logo !== undefined) doc.image(t.header.logo, left, 20, { fit: [52, 56] });
  doc.fillColor('#FFFFFF').font(FONT.bold).fontSize(SIZE.org);
  doc.text(org, left + logoWidth, 26, { width: nameWidth - logoWidth });
  doc.font(FONT.regular).fontSize(SIZE.small);
  doc.text(address.join('\n'), left + nameWidth, 28, {
    width: content - nameWidth,
    align: 'right',
  });
  doc.fillColor(TEXT_COLOUR);
  doc.x = left;
  doc.y = HEADER_HEIGHT + 24;
}

function drawAddressAndDate(
  doc: PDFKit.PDFDocument,
  t: LetterTemplate,
  data: unknown,
  at: At,
  now: Date,
): void {
  const { left, right } = doc.page.margins;
  const top = doc.y;
  const recipient = t.recipient.map((line, i) => fill(line, data, at(`recipient[${i}]`)));
  doc.font(FONT.regular).fontSize(SIZE.body).fillColor(TEXT_COLOUR);
  doc.text(recipient.join('\n'), left, top, { width: 260 });
  const afterAddress = doc.y;
  const date =
    t.date === undefined
      ? now.toLocaleDateString('en-GB', {
          day: 'numeric',
          month: 'long',
          year: 'numeric',
          timeZone: 'Europe/London',
        })
      : fill(t.date, data, at('date'));
  const reference =
    t.reference === undefined ? undefined : fill(t.reference, data, at('reference'));
  const boxLeft = doc.page.width - right - 180;
  doc.text(date, boxLeft, top, { width: 180, align: 'right' });
  if (reference !== undefined)
    doc
      .fillColor(MUTED_COLOUR)
      .fontSize(SIZE.small)
      .text(reference, boxLeft, doc.y + 2, { width: 180, align: 'right' });
  doc.fillColor(TEXT_COLOUR);
  doc.x = left;
  doc.y = Math.max(afterAddress, doc.y) + 28;
}

function drawBlock(
  doc: PDFKit.PDFDocument,
  block: LetterBlock,
  data: unknown,
  where: string,
): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  doc.x = left;
  switch (block.type) {
    case 'heading':
      if (doc.y + 60 > doc.page.height - doc.page.margins.bottom) doc.addPage();
      doc.moveDown(0.4).font(FONT.bold).fontSize(SIZE.heading).fillColor('#005EB8');
      doc.text(fill(block.text, data, where), left, doc.y, { width });
      doc.fillColor(TEXT_COLOUR).moveDown(0.3);
      return;
    case 'text':
      doc
        .font(block.bold ? FONT.bold : FONT.regular)
        .fontSize(SIZE.body)
        .fillColor(TEXT_COLOUR);
      doc.text(fill(block.text, data, where).trimEnd(), left, doc.y, { width, lineGap: 2 });
      doc.moveDown(0.6);
      return;
    case 'fields':
      drawFields(doc, block, data, where);
      return;
    case 'table':
      drawTable(doc, block, data, where);
      doc.moveDown(0.8);
      return;
    case 'spacer':
      doc.y += block.height;
      return;
    default:
      block satisfies never;
  }
}

function drawFields(
  doc: PDFKit.PDFDocument,
  block: Extract<LetterBlock, { type: 'fields' }>,
  data: unknown,
  where: string,
): void {
  const left = doc.page.margins.left;
  const labelWidth = 170;
  const valueWidth = doc.page.width - left - doc.page.margins.right - labelWidth;
  block.fields.forEach((field, i) => {
    const value = fill(field.value, data, `${where}.fields[${i}]`);
    const top = doc.y;
    doc
      .font(FONT.regular)
      .fontSize(SIZE.body)
      .fillColor(MUTED_COLOUR)
      .text(field.label, left, top, { width: labelWidth });
    const afterLabel = doc.y;
    doc
      .font(FONT.bold)
      .fillColor(TEXT_COLOUR)
      .text(value, left + labelWidth, top, { width: valueWidth });
    doc.y = Math.max(afterLabel, doc.y) + 3;
  });
  doc.x = left;
  doc.moveDown(0.6);
}

/** "Page N of M" needs M, so footers are drawn last over the buffered pages. */
function drawFooters(doc: PDFKit.PDFDocument, t: LetterTemplate, data: unknown, at: At): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const { left, right, bottom } = doc.page.margins;
    const pageData = { ...(data as object), page: i + 1, pages: range.count };
    const text = fill(t.footer.text, pageData, at('footer.text'));
    const y = doc.page.height - bottom + 20;
    doc.page.margins.bottom = 0; // writing inside the bottom margin must not add a page
    doc.font(FONT.regular).fontSize(SIZE.small).fillColor(MUTED_COLOUR);
    doc.text(text, left, y, {
      width: doc.page.width - left - right,
      align: 'center',
      lineBreak: false,
    });
    doc.page.margins.bottom = bottom;
  }
}
