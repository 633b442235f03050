import { compileHl7Path, type Hl7Message, type Hl7Path } from '../../formats/hl7v2/index.js';
import type { MllpSourceConfig } from './schema.js';
import { hashSearchValue, orderingKeyFromHash } from '../../store/search-keys.js';

/** The search-key hash shared with the admin search (see src/store/search-keys.ts). */
export const hashIdentifier = hashSearchValue;

export interface MessageFacts {
  readonly sender: string;
  readonly controlId: string;
  readonly messageType: string;
  readonly orderingKey: string | undefined;
  readonly searchKeys: Record<string, string>;
}

export interface FactReader {
  read(msg: Hl7Message): MessageFacts;
}

/**
 * Compiles the configured paths once. Ordering keys are hashed: they can hold an NHS number and
 * are stored beside the message, where only the equality of keys matters.
 */
export function factReader(
  config: Pick<MllpSourceConfig, 'sender' | 'orderingKey' | 'searchKeys'>,
): FactReader {
  const sender = config.sender.map(compileHl7Path);
  const ordering = config.orderingKey.map(compileHl7Path);
  const keys: [string, Hl7Path, boolean][] = Object.entries(config.searchKeys).map(([name, k]) => [
    name,
    compileHl7Path(k.path),
    k.hash,
  ]);
  return {
    read(msg) {
      // The NHS number is usually both a search key and the ordering key: hash it once.
      const hashes = new Map<string, string>();
      const hash = (v: string): string => {
        let h = hashes.get(v);
        if (h === undefined) hashes.set(v, (h = hashIdentifier(v)));
        return h;
      };
      const searchKeys: Record<string, string> = {};
      for (const [name, path, hashed] of keys) {
        const v = path.first(msg);
        if (v !== undefined && v.trim() !== '') searchKeys[name] = hashed ? hash(v) : v.trim();
      }
      let orderingKey: string | undefined;
      for (const p of ordering) {
        const v = p.first(msg);
        if (v !== undefined && v.trim() !== '') {
          orderingKey = orderingKeyFromHash(hash(v));
          break;
        }
      }
      return {
        sender: sender.map((p) => p.first(msg) ?? '').join('/'),
        controlId: msg.controlId,
        messageType: msg.messageType,
        orderingKey,
        searchKeys,
      };
    },
  };
}
