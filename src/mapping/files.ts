import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseDocument } from 'yaml';

/**
 * Which files under `<configDir>/mappings` are mappings, and which id each declares — read
 * without compiling, so one broken file does not hide the others. The dashboard, the admin API
 * and the CLI all list and find mappings through these.
 */

/** A top-level `id:` line; the id a mapping (or letter template) file declares. */
const ID_LINE = /^id:\s*([a-z0-9][a-z0-9-]*)\s*(#.*)?$/m;

/** The id on the file's top-level `id:` line, or undefined if it has none. */
export function readMappingId(file: string): string | undefined {
  return ID_LINE.exec(readFileSync(file, 'utf8'))?.[1];
}

/**
 * Mapping files under `<configDir>/mappings`, as sorted paths relative to the config folder:
 * YAML files that say which input they read and which e-RS operation they feed. Lookup tables
 * and letter templates (`mappings/letters/`, rendered by the letter destination) are not mappings.
 */
export function mappingFiles(configDir: string): string[] {
  const root = join(configDir, 'mappings');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('tables') && isMappingFile(join(root, f)))
    .map((f) => relative(configDir, join(root, f)))
    .sort();
}

/** A mapping file has top-level `input` and `operation`; a file that does not parse may be one. */
function isMappingFile(file: string): boolean {
  try {
    const doc = parseDocument(readFileSync(file, 'utf8'));
    if (doc.errors.length > 0) return true;
    const top = doc.toJS() as unknown;
    return top !== null && typeof top === 'object' && 'input' in top && 'operation' in top;
  } catch {
    return false;
  }
}
