import { EngineError } from '../core/errors.js';
import { fill, lookup } from './placeholders.js';
import type { LetterBlock } from './template.js';
import { FONT, RULE_COLOUR, SIZE, TABLE_HEADER_FILL, TEXT_COLOUR } from './layout.js';

type TableBlock = Extract<LetterBlock, { type: 'table' }>;
const PAD = 4;

/** Draws a table row by row; a row that does not fit starts a new page, which repeats the
 * header row first so every page of the table can be read on its own. */
export function drawTable(
  doc: PDFKit.PDFDocument,
  block: TableBlock,
  data: unknown,
  where: string,
): void {
  const rows = lookup(data, block.rows);
  if (!Array.isArray(rows))
    throw new EngineError('LETTER_DATA_MISSING', `${where}: {{${block.rows}}} is not a list`, {
      at: where,
      context: { placeholder: block.rows },
    });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const total = block.columns.reduce((sum, c) => sum + c.width, 0);
  const widths = block.columns.map((c) => (c.width / total) * width);
  const header = block.columns.map((c) => c.header);
  drawRow(doc, header, widths, { bold: true, fill: TABLE_HEADER_FILL });
  if (rows.length === 0 && block.empty !== undefined) {
    doc
      .font(FONT.regular)
      .fontSize(SIZE.body)
      .text(block.empty, left, doc.y + PAD, { width });
    return;
  }
  rows.forEach((row: unknown, index) => {
    const cells = block.columns.map((c) => fill(c.value, row, `${where}.rows[${index}]`));
    if (doc.y + rowHeight(doc, cells, widths, false) > bottomOf(doc)) {
      doc.addPage();
      drawRow(doc, header, widths, { bold: true, fill: TABLE_HEADER_FILL });
    }
    drawRow(doc, cells, widths, { bold: false });
  });
  doc.x = left;
}

function bottomOf(doc: PDFKit.PDFDocument): number {
  return doc.page.height - doc.page.margins.bottom;
}

function rowHeight(
  doc: PDFKit.PDFDocument,
  cells: string[],
  widths: number[],
  bold: boolean,
): number {
  doc.font(bold ? FONT.bold : FONT.regular).fontSize(SIZE.body - 1);
  const heights = cells.map((cell, i) =>
    doc.heightOfString(cell, { width: (widths[i] ?? 0) - 2 * PAD }),
  );
  return Math.max(...heights) + 2 * PAD;
}

function drawRow(
  doc: PDFKit.PDFDocument,
  cells: string[],
  widths: number[],
  style: { bold: boolean; fill?: string },
): void {
  const top = doc.y;
  const height = rowHeight(doc, cells, widths, style.bold);
  const left = doc.page.margins.left;
  const width = widths.reduce((a, b) => a + b, 0);
  if (style.fill !== undefined) doc.rect(left, top, width, height).fill(style.fill);
  doc.fillColor(TEXT_COLOUR);
  let x = left;
  cells.forEach((cell, i) => {
    const cellWidth = widths[i] ?? 0;
    doc.text(cell, x + PAD, top + PAD, { width: cellWidth - 2 * PAD, lineBreak: true });
    x += cellWidth;
  });
  doc
    .moveTo(left, top + height)
    .lineTo(left + width, top + height)
    .lineWidth(0.5)
    .stroke(RULE_COLOUR);
  doc.y = top + height;
}
