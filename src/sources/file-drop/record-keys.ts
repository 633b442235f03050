/**
 * Pure: the ordering and search keys of one file record, the same rule as the MLLP source's (the
 * first configured field with a value, hashed by `orderingKeyOf`), so one patient's messages
 * queue together and are found together whichever way they arrived.
 */
import { compileHl7Path, parseHl7, type Hl7Path } from '../../formats/hl7v2/index.js';
import { hashSearchValue, orderingKeyFromHash } from '../../store/search-keys.js';
import type { FileDropConfig } from './schema.js';

export interface RecordKeys {
  readonly orderingKey: string | undefined;
  readonly searchKeys: Record<string, string>;
}

type KeySpec = Readonly<Record<string, { readonly from: string; readonly hash: boolean }>>;

/** Each format's UBRN, then NHS number: the MLLP source's defaults, in each format's words. */
export const DEFAULT_KEYS = {
  csv: { ubrn: 'ubrn', nhsNumber: 'nhs_number' },
  'hl7-batch': { ubrn: 'ZRF-2', nhsNumber: 'PID-3[CX.5=NH].1' },
  xml: { ubrn: 'ubrn', nhsNumber: 'nhsNumber' },
} as const satisfies Record<FileDropConfig['format'], { ubrn: string; nhsNumber: string }>;

export function keySpecOf(config: Pick<FileDropConfig, 'format' | 'orderingKey' | 'searchKeys'>): {
  ordering: readonly string[];
  search: KeySpec;
} {
  const d = DEFAULT_KEYS[config.format];
  return {
    ordering: config.orderingKey ?? [d.ubrn, d.nhsNumber],
    search: config.searchKeys ?? {
      ubrn: { from: d.ubrn, hash: false },
      nhsNumberHash: { from: d.nhsNumber, hash: true },
    },
  };
}

/** Keys from a field reader (column, HL7 path or element name → value). */
export function keysFrom(
  spec: { ordering: readonly string[]; search: KeySpec },
  read: (field: string) => string | undefined,
): RecordKeys {
  // The NHS number is usually both a search key and the ordering key: hash it once.
  const hashes = new Map<string, string>();
  const hash = (v: string): string => {
    let h = hashes.get(v);
    if (h === undefined) hashes.set(v, (h = hashSearchValue(v)));
    return h;
  };
  const value = (field: string): string | undefined => {
    const v = read(field)?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  let orderingKey: string | undefined;
  for (const field of spec.ordering) {
    const v = value(field);
    if (v !== undefined) {
      orderingKey = orderingKeyFromHash(hash(v));
      break;
    }
  }
  const searchKeys: Record<string, string> = {};
  for (const [name, k] of Object.entries(spec.search)) {
    const v = value(k.from);
    if (v !== undefined) searchKeys[name] = k.hash ? hash(v) : v;
  }
  return { orderingKey, searchKeys };
}

/** A reader of HL7 messages by path (the paths compiled once), and the message type. */
export function hl7FieldReader(paths: readonly string[]): (raw: Buffer) => {
  read: (path: string) => string | undefined;
  messageType: string | undefined;
} {
  const compiled = new Map<string, Hl7Path>(paths.map((p) => [p, compileHl7Path(p)]));
  return (raw) => {
    let msg: ReturnType<typeof parseHl7> | undefined;
    try {
      msg = parseHl7(raw);
    } catch {
      // An unparseable message is still stored; it fails (and is reported) when it is mapped.
      msg = undefined;
    }
    return {
      read: (path) => (msg === undefined ? undefined : compiled.get(path)?.first(msg)),
      messageType: msg?.messageType,
    };
  };
}

/**
 * The text of the first element named `name` (namespace prefix ignored), depth first, in an
 * xml2js object (`explicitArray: true`: children are arrays, text is a string or `_`).
 */
export function firstElementText(node: unknown, name: string): string | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  for (const [key, children] of Object.entries(node as Record<string, unknown>)) {
    if (key === '$' || key === '_') continue;
    const local = key.includes(':') ? key.slice(key.indexOf(':') + 1) : key;
    const list = Array.isArray(children) ? (children as unknown[]) : [children];
    if (local === name) {
      const first = list[0];
      if (typeof first === 'string') return first;
      const text = (first as { _?: unknown } | undefined)?._;
      if (typeof text === 'string') return text;
    }
    for (const child of list) {
      const found = firstElementText(child, name);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
