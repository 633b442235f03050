import iconv from 'iconv-lite';

/**
 * MSH-18 character sets (HL7 table 0211) mapped to iconv-lite encodings. Only encodings that
 * keep ASCII bytes as ASCII are supported, because MSH must be readable before decoding.
 * `WINDOWS-1252`/`CP1252` are not in table 0211 but UK PAS systems send them.
 */
const TABLE_0211: Readonly<Record<string, string>> = {
  ASCII: 'latin1', // bytes above 0x7F are out of range for ASCII; read them leniently as Latin-1
  '8859/1': 'latin1',
  '8859/2': 'iso-8859-2',
  '8859/3': 'iso-8859-3',
  '8859/4': 'iso-8859-4',
  '8859/5': 'iso-8859-5',
  '8859/6': 'iso-8859-6',
  '8859/7': 'iso-8859-7',
  '8859/8': 'iso-8859-8',
  '8859/9': 'iso-8859-9',
  '8859/15': 'iso-8859-15',
  // HL7 v2.5 table 0211 says `UNICODE UTF-8`; v2.3/2.4 and all six NHS ITK example messages
  // say `UNICODE`, which senders use for UTF-8 (UTF-16/32 would not keep MSH readable as ASCII).
  UNICODE: 'utf8',
  'UNICODE UTF-8': 'utf8',
  'UTF-8': 'utf8',
  UTF8: 'utf8',
  'WINDOWS-1252': 'windows-1252',
  CP1252: 'windows-1252',
  'GB 18030-2000': 'gb18030',
  'BIG-5': 'big5',
  'KS X 1001': 'euc-kr',
};

export const CharsetDefault = {
  /** Valid UTF-8 is read as UTF-8, anything else as Windows-1252 (what UK PAS send). */
  auto: 'auto',
  utf8: 'utf8',
  windows1252: 'windows-1252',
  latin1: 'latin1',
} as const;
export type CharsetDefault = (typeof CharsetDefault)[keyof typeof CharsetDefault];

/** The iconv encoding for an MSH-18 value, or undefined when unsupported. */
export function encodingForCharset(msh18: string): string | undefined {
  return TABLE_0211[msh18.trim().toUpperCase()];
}

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

export function hasUtf8Bom(buf: Buffer): boolean {
  return (
    buf.length >= 3 && buf[0] === UTF8_BOM[0] && buf[1] === UTF8_BOM[1] && buf[2] === UTF8_BOM[2]
  );
}

function isAscii(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i++) if ((buf[i] as number) > 0x7f) return false;
  return true;
}

/**
 * Whether decoded text stands for its bytes: a U+FFFD the bytes did not themselves encode means
 * the decoder replaced bytes that are invalid in the encoding (UTF-8 or a code page's holes).
 */
export function decodedFaithfully(buf: Buffer, text: string, encoding: string): boolean {
  if (!text.includes('\uFFFD')) return true;
  const again = encoding === 'utf8' ? Buffer.from(text, 'utf8') : iconv.encode(text, encoding);
  return again.equals(buf);
}

/** Decodes message bytes with the chosen encoding; `auto` picks UTF-8 when the bytes are valid. */
export function decodeBytes(buf: Buffer, encoding: string): { text: string; encoding: string } {
  if (encoding === 'latin1' || isAscii(buf)) {
    return { text: buf.toString('latin1'), encoding: encoding === 'auto' ? 'utf8' : encoding };
  }
  if (encoding === 'auto') {
    const text = buf.toString('utf8');
    if (decodedFaithfully(buf, text, 'utf8')) {
      return { text, encoding: 'utf8' };
    }
    return { text: iconv.decode(buf, 'windows-1252'), encoding: 'windows-1252' };
  }
  if (encoding === 'utf8') return { text: buf.toString('utf8'), encoding };
  return { text: iconv.decode(buf, encoding), encoding };
}

/** Encodes text for the wire in the encoding MSH-18 names (UTF-8 when none). */
export function encodeText(text: string, msh18: string | undefined): Buffer {
  const enc = msh18 === undefined || msh18 === '' ? 'utf8' : (encodingForCharset(msh18) ?? 'utf8');
  return enc === 'utf8' ? Buffer.from(text, 'utf8') : iconv.encode(text, enc);
}
