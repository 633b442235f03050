import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const samplesDir = join(dirname(fileURLToPath(import.meta.url)), '../../../samples/hl7');

export function sample(name: string): Buffer {
  return readFileSync(join(samplesDir, name));
}
