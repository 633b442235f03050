import { EngineError } from '../../core/errors.js';
import {
  CharsetDefault,
  decodeBytes,
  decodedFaithfully,
  encodingForCharset,
  hasUtf8Bom,
} from './charset.js';
import { readDelimiters, type Hl7Delimiters } from './delimiters.js';
import { unescapeHl7 } from './escape.js';

/** HL7 "null" (`""`): the sender says the value is to be deleted, unlike an empty field. */
export const HL7_NULL = '""';

/**
 * One segment. Fields are split on first access only (lazy), which is what makes a parse cheap
 * when a mapping reads a handful of fields of a long message.
 */
export class Hl7Segment {
  private parts: string[] | undefined;

  constructor(
    readonly name: string,
    /** The segment as written (still encoded), without its separator. */
    readonly text: string,
    /** 1-based occurrence among segments of the same name. */
    readonly occurrence: number,
    private readonly fieldSeparator: string,
  ) {}

  private split(): string[] {
    this.parts ??= this.text.split(this.fieldSeparator);
    return this.parts;
  }

  /** Number of the last field present. */
  get fieldCount(): number {
    const n = this.split().length - 1;
    return this.isHeader ? n + 1 : n;
  }

  /** MSH, FHS and BHS count the field separator itself as field 1. */
  get isHeader(): boolean {
    return this.name === 'MSH' || this.name === 'FHS' || this.name === 'BHS';
  }

  /** Field `n` (1-based) as written, still encoded; '' when absent. */
  field(n: number): string {
    if (this.isHeader) {
      if (n === 1) return this.fieldSeparator;
      return this.split()[n - 1] ?? '';
    }
    return this.split()[n] ?? '';
  }
}

export interface Hl7ParseOptions {
  /** How to read bytes when MSH-18 is empty (HL7 says ASCII; real senders differ). */
  readonly defaultCharset?: CharsetDefault;
}

/** Up to this many segments, `segment()` scans instead of building the by-name index. */
const SCAN_LIMIT = 40;

/** A parsed HL7 v2 message. Values are read with paths (`compileHl7Path`) or `segment().field()`. */
export class Hl7Message {
  private byName: Map<string, Hl7Segment[]> | undefined;
  /** Normalised paths (`PID-5.1`) read through the path API, for "unread field" reports. */
  readonly reads = new Set<string>();

  constructor(
    /** The decoded message text, segments as received (separators normalised to CR). */
    readonly segments: readonly Hl7Segment[],
    readonly delimiters: Hl7Delimiters,
    /** The iconv encoding the bytes were decoded with (`utf8`, `windows-1252`, …). */
    readonly encoding: string,
  ) {}

  get header(): Hl7Segment {
    return this.segments[0] as Hl7Segment;
  }

  /** Segments with that name, in order. */
  all(name: string): readonly Hl7Segment[] {
    if (this.byName === undefined) {
      this.byName = new Map();
      for (const s of this.segments) {
        const list = this.byName.get(s.name);
        if (list === undefined) this.byName.set(s.name, [s]);
        else list.push(s);
      }
    }
    return this.byName.get(name) ?? [];
  }

  /** The `occurrence`-th (1-based) segment of that name. */
  segment(name: string, occurrence = 1): Hl7Segment | undefined {
    // A mapping reads a handful of fields: for a message of a few dozen segments, a scan is
    // cheaper than the by-name index, which costs a Map and an array per segment name.
    if (this.byName === undefined && this.segments.length <= SCAN_LIMIT) {
      for (const s of this.segments) if (s.occurrence === occurrence && s.name === name) return s;
      return undefined;
    }
    return this.all(name)[occurrence - 1];
  }

  /** A decoded leaf: component and sub-component of the first repetition of a header field. */
  private headerLeaf(field: number, component = 1): string {
    const raw = this.header.field(field).split(this.delimiters.repetition)[0] ?? '';
    const comp = raw.split(this.delimiters.component)[component - 1] ?? '';
    return unescapeHl7(comp.split(this.delimiters.subcomponent)[0] ?? '', this.delimiters);
  }

  /** MSH-9 as `REF^I12` (message code ^ trigger event). */
  get messageType(): string {
    const code = this.headerLeaf(9, 1);
    const trigger = this.headerLeaf(9, 2);
    return trigger === '' ? code : `${code}^${trigger}`;
  }

  get triggerEvent(): string {
    return this.headerLeaf(9, 2);
  }

  /** MSH-10 message control id. */
  get controlId(): string {
    return this.headerLeaf(10);
  }

  /** MSH-12 version id (`2.4`). */
  get version(): string {
    return this.headerLeaf(12);
  }

  /** Field `n` of the header, decoded (first repetition, first component). */
  headerValue(n: number, component = 1): string {
    return this.headerLeaf(n, component);
  }

  /** The message re-assembled with CR segment separators (HL7's own). */
  toString(): string {
    return this.segments.map((s) => s.text).join('\r');
  }
}

const SEGMENT_ID = /^[A-Z][A-Z0-9]{2}$/;
const LINE_BREAK = /\r\n|\r|\n/;

function fail(message: string, at: string): never {
  throw new EngineError('FORMAT_UNPARSEABLE', message, { at });
}

/** Picks the encoding for bytes from a BOM, MSH-18 or the default. */
function decodeMessageBytes(
  raw: Buffer,
  options: Hl7ParseOptions,
): { text: string; encoding: string } {
  if (hasUtf8Bom(raw)) return strict(raw.subarray(3), 'utf8', 'byte order mark');
  const probe = raw.toString('latin1');
  const msh18 = readMsh18(probe);
  if (msh18 !== '') {
    const known = encodingForCharset(msh18);
    if (known === undefined) {
      throw new EngineError(
        'FORMAT_UNSUPPORTED_ENCODING',
        `MSH-18 character set "${msh18}" is not supported`,
        {
          at: 'MSH-18',
        },
      );
    }
    if (known === 'latin1') return { text: probe, encoding: known };
    return strict(raw, known, `MSH-18 "${msh18}"`);
  }
  const encoding: string = options.defaultCharset ?? CharsetDefault.auto;
  if (encoding === 'latin1') return { text: probe, encoding };
  return decodeBytes(raw, encoding);
}

/**
 * Decodes bytes in a declared encoding and refuses bytes that are invalid in it: a sender that
 * declares UTF-8 and sends something else must hear so, not have its data silently replaced.
 */
function strict(
  raw: Buffer,
  encoding: string,
  declared: string,
): { text: string; encoding: string } {
  const decoded = decodeBytes(raw, encoding);
  if (!decodedFaithfully(raw, decoded.text, encoding)) {
    throw new EngineError(
      'FORMAT_INVALID_CHARACTERS',
      `the message has bytes that are not valid ${encoding} (declared by ${declared})`,
      { at: 'MSH-18' },
    );
  }
  return decoded;
}

/** MSH-18 (first repetition) read from undecoded text; '' when absent. */
function readMsh18(probe: string): string {
  const at = probe.indexOf('MSH');
  if (at === -1) return '';
  const fs = probe.charAt(at + 3);
  const lineEnd = probe.slice(at).search(/[\r\n]/);
  const line = lineEnd === -1 ? probe.slice(at) : probe.slice(at, at + lineEnd);
  const field = line.split(fs)[17] ?? '';
  const rep = probe.charAt(at + 5);
  const comp = probe.charAt(at + 4);
  return (field.split(rep)[0] ?? '').split(comp)[0] ?? '';
}

/**
 * Parses one HL7 v2 message. Delimiters come from MSH-1/MSH-2; segments may be separated by CR,
 * LF or CRLF. Throws EngineError FORMAT_UNPARSEABLE (with `at`) when it is not HL7 v2, and
 * FORMAT_UNSUPPORTED_ENCODING for an MSH-18 it cannot decode. Batches: see `splitHl7Batch`.
 */
export function parseHl7(raw: Buffer | string, options: Hl7ParseOptions = {}): Hl7Message {
  const { text, encoding } =
    typeof raw === 'string'
      ? { text: raw.replace(/^\uFEFF/, ''), encoding: 'utf8' }
      : decodeMessageBytes(raw, options);
  const lines = text.trimStart().split(LINE_BREAK);
  const first = lines[0] ?? '';
  if (first.startsWith('FHS') || first.startsWith('BHS')) {
    fail('this is a batch (FHS/BHS); split it with splitHl7Batch first', 'FHS');
  }
  if (!first.startsWith('MSH')) fail('the message does not start with an MSH segment', 'MSH');
  const delimiters = readDelimiters(first);
  if (typeof delimiters === 'string') fail(delimiters, 'MSH-2');
  const segments: Hl7Segment[] = [];
  const counts = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const name = line.slice(0, 3);
    const next = line.charAt(3);
    if (!SEGMENT_ID.test(name) || (next !== '' && next !== delimiters.field)) {
      fail(
        `segment ${segments.length + 1} does not start with a segment id and field separator`,
        `segment ${segments.length + 1}`,
      );
    }
    const occurrence = (counts.get(name) ?? 0) + 1;
    counts.set(name, occurrence);
    segments.push(new Hl7Segment(name, line, occurrence, delimiters.field));
  }
  return new Hl7Message(segments, delimiters, encoding);
}
