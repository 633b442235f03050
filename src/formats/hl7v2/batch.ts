/**
 * HL7 v2 batch files (FHS/BHS … MSH … BTS/FTS, v2.5 chapter 2.10.3) and plain multi-message
 * files. Messages are cut on segment boundaries of the undecoded bytes so that each keeps its
 * own MSH-18 character set; parse each with `parseHl7`.
 */
export interface Hl7BatchMessage<T extends Buffer | string> {
  /** The message as it was in the file (its own bytes when the input was a Buffer). */
  readonly raw: T;
  /** 1-based position of the message in the file. */
  readonly index: number;
  /** 1-based line of its MSH segment, for error reports. */
  readonly line: number;
}

export interface Hl7BatchSplit<T extends Buffer | string> {
  readonly messages: Hl7BatchMessage<T>[];
  /** FHS and BHS segments as written, when the file has them. */
  readonly fileHeader?: string;
  readonly batchHeaders: string[];
  /** Disagreements found, e.g. a BTS-1 count that differs from the messages seen. */
  readonly issues: string[];
}

interface Cut {
  start: number;
  end: number;
  line: number;
}

const ENVELOPE = new Set(['FHS', 'FTS', 'BHS', 'BTS']);

export function splitHl7Batch(raw: Buffer): Hl7BatchSplit<Buffer>;
export function splitHl7Batch(raw: string): Hl7BatchSplit<string>;
export function splitHl7Batch(raw: Buffer | string): Hl7BatchSplit<Buffer | string> {
  // latin1 maps each byte to one char, so offsets in the text are offsets in the buffer.
  const text = typeof raw === 'string' ? raw : raw.toString('latin1');
  const bom =
    typeof raw === 'string'
      ? text.startsWith('\uFEFF')
        ? 1
        : 0
      : text.startsWith('\xEF\xBB\xBF')
        ? 3
        : 0;
  const cuts: Cut[] = [];
  const batchHeaders: string[] = [];
  const issues: string[] = [];
  let fileHeader: string | undefined;
  let current: Cut | undefined;
  let inBatch = 0;
  const lineRe = /([^\r\n]*)(\r\n|\r|\n|$)/g;
  lineRe.lastIndex = bom;
  let lineNo = 0;
  for (let m = lineRe.exec(text); m !== null && m.index < text.length; m = lineRe.exec(text)) {
    lineNo++;
    const line = m[1] ?? '';
    const name = line.slice(0, 3);
    const endOfLine = m.index + m[0].length;
    if (name === 'MSH') {
      current = { start: m.index, end: endOfLine, line: lineNo };
      cuts.push(current);
      inBatch++;
    } else if (ENVELOPE.has(name)) {
      current = undefined;
      if (name === 'FHS') fileHeader = line;
      if (name === 'BHS') {
        batchHeaders.push(line);
        inBatch = 0;
      }
      if (name === 'BTS') {
        const declared = line.split(line.charAt(3))[1] ?? '';
        if (declared !== '' && Number(declared) !== inBatch) {
          issues.push(
            `line ${lineNo}: BTS-1 declares ${declared} messages, the batch holds ${inBatch}`,
          );
        }
      }
    } else if (current !== undefined) {
      current.end = endOfLine;
    } else if (line.trim() !== '') {
      issues.push(`line ${lineNo}: segment ${name || '(empty)'} is outside any message`);
    }
    if (m[0].length === 0) break;
  }
  const slice = (c: Cut): Buffer | string =>
    typeof raw === 'string' ? raw.slice(c.start, c.end) : raw.subarray(c.start, c.end);
  return {
    messages: cuts.map((c, i) => ({ raw: slice(c), index: i + 1, line: c.line })),
    ...(fileHeader === undefined ? {} : { fileHeader }),
    batchHeaders,
    issues,
  };
}
