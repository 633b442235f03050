import iconv from 'iconv-lite';
import type { Hl7Delimiters } from './delimiters.js';

/**
 * HL7 v2 escape sequences (v2.5 chapter 2.7): `\F\ \S\ \T\ \R\ \E\` for the delimiters,
 * `\Xhh…\` for raw bytes, and the formatting commands of FT data (`\.br\` is a line break).
 * Decoded line breaks are `\n`; encoding turns any CR/LF back into `\.br\` because a raw CR or
 * LF inside a field would end the segment.
 */

/** Decodes one leaf value. `byteEncoding` (an iconv name) decodes `\Xhh\` bytes. */
export function unescapeHl7(value: string, d: Hl7Delimiters, byteEncoding = 'latin1'): string {
  const esc = d.escape;
  if (esc === '' || !value.includes(esc)) return value;
  let out = '';
  let i = 0;
  while (i < value.length) {
    const start = value.indexOf(esc, i);
    if (start === -1) break;
    const end = value.indexOf(esc, start + 1);
    if (end === -1) break; // a lone escape character is taken literally
    out += value.slice(i, start);
    const seq = value.slice(start + 1, end);
    const decoded = decodeSequence(seq, d, byteEncoding);
    out += decoded ?? esc + seq + esc;
    i = end + 1;
  }
  return out + value.slice(i);
}

function decodeSequence(seq: string, d: Hl7Delimiters, byteEncoding: string): string | undefined {
  switch (seq) {
    case 'F':
      return d.field;
    case 'S':
      return d.component;
    case 'T':
      return d.subcomponent;
    case 'R':
      return d.repetition;
    case 'E':
      return d.escape;
    case 'P':
      return d.truncation;
    case 'H':
    case 'N':
      return ''; // highlight on/off: presentation only
    case '.br':
      return '\n';
    default:
      break;
  }
  if (
    seq.startsWith('X') &&
    seq.length > 1 &&
    (seq.length - 1) % 2 === 0 &&
    /^X[0-9A-Fa-f]+$/.test(seq)
  ) {
    return iconv.decode(Buffer.from(seq.slice(1), 'hex'), byteEncoding);
  }
  if (/^\.sp\s*\d*$/.test(seq)) {
    const n = Number(seq.slice(3).trim() || '1');
    return '\n'.repeat(Math.min(n, 100));
  }
  return undefined; // unknown (e.g. \Cxxyy\ charset switches): kept as written
}

/** Encodes one leaf value so it can be placed between delimiters. */
export function escapeHl7(value: string, d: Hl7Delimiters): string {
  if (!needsEscape(value, d)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    if (c === d.escape) out += `${d.escape}E${d.escape}`;
    else if (c === d.field) out += `${d.escape}F${d.escape}`;
    else if (c === d.component) out += `${d.escape}S${d.escape}`;
    else if (c === d.subcomponent) out += `${d.escape}T${d.escape}`;
    else if (c === d.repetition) out += `${d.escape}R${d.escape}`;
    else if (d.truncation !== undefined && c === d.truncation) out += `${d.escape}P${d.escape}`;
    else if (c === '\r' || c === '\n') {
      if (c === '\r' && value.charAt(i + 1) === '\n') i++;
      out += `${d.escape}.br${d.escape}`;
    } else out += c;
  }
  return out;
}

function needsEscape(value: string, d: Hl7Delimiters): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    if (
      c === d.escape ||
      c === d.field ||
      c === d.component ||
      c === d.subcomponent ||
      c === d.repetition ||
      c === d.truncation ||
      c === '\r' ||
      c === '\n'
    ) {
      return true;
    }
  }
  return false;
}
