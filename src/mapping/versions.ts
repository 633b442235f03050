import { isAbsolute, join, relative } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { MappingVersion } from '../core/store-types.js';
import { compileMappingFile, type CompiledMapping } from './compile.js';
import { mappingFiles, readMappingId } from './files.js';

/**
 * Mapping history: every compiled mapping is kept by its hash (text and tables), so the mapping
 * behind any stored message can be read, compared with another version and restored.
 */

/** A path inside the config folder is kept relative, so a version restores into another copy. */
function configRelative(file: string, configDir: string): string {
  const rel = relative(configDir, file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

export function mappingVersionOf(
  mapping: CompiledMapping,
  configDir: string,
  now: number,
): MappingVersion {
  return {
    hash: mapping.hash,
    mappingId: mapping.id,
    file: configRelative(mapping.file, configDir),
    text: mapping.source.text,
    tables: mapping.source.tables,
    firstSeenAt: now,
  };
}

/** Pure: a unified diff of the mapping text and of each table file that differs. */
export function versionDiff(from: MappingVersion, to: MappingVersion): string {
  const label = (v: MappingVersion, name: string): string => `${name} @${v.hash.slice(0, 12)}`;
  const parts = [
    from.text === to.text
      ? ''
      : createTwoFilesPatch(label(from, from.file), label(to, to.file), from.text, to.text),
  ];
  const names = [...new Set([...Object.keys(from.tables), ...Object.keys(to.tables)])].sort();
  for (const name of names) {
    const a = from.tables[name] ?? '';
    const b = to.tables[name] ?? '';
    if (a !== b)
      parts.push(
        createTwoFilesPatch(label(from, `tables/${name}`), label(to, `tables/${name}`), a, b),
      );
  }
  const text = parts.filter((p) => p !== '').join('\n');
  return text === '' ? 'no differences\n' : text;
}

/** A version's id-unique hash prefix (≥ 6 hex digits) among `versions`, or a one-line error. */
export function findVersion(versions: readonly MappingVersion[], prefix: string): MappingVersion {
  if (!/^[0-9a-f]{6,64}$/.test(prefix))
    throw new Error(`"${prefix}" is not a version hash (6 to 64 hex digits)`);
  const found = versions.filter((v) => v.hash.startsWith(prefix));
  const [only] = found;
  if (only === undefined || found.length > 1)
    throw new Error(
      found.length === 0
        ? `no kept version starts with ${prefix}`
        : `${prefix} matches ${found.length} versions: give more digits`,
    );
  return only;
}

/**
 * Pure: the files a rollback writes — the mapping file where it is deployed now, and its table
 * files beside it — with the version's text. Tables other mappings share change for them too,
 * so the caller lists every file before writing.
 */
export function rollbackFiles(
  version: MappingVersion,
  mappingFile: string,
): { path: string; text: string }[] {
  const tablesDir = join(mappingFile, '..', 'tables');
  return [
    { path: mappingFile, text: version.text },
    ...Object.entries(version.tables).map(([name, text]) => ({
      path: join(tablesDir, name),
      text,
    })),
  ];
}

/** The mapping file under `<configDir>/mappings/` whose id is `mappingId`, compiled; undefined if none. */
export function deployedMapping(configDir: string, mappingId: string): CompiledMapping | undefined {
  // A cheap look at the id first: compiling every file would report other files' mistakes.
  const file = mappingFiles(configDir).find((f) => readMappingId(join(configDir, f)) === mappingId);
  return file === undefined ? undefined : compileMappingFile(join(configDir, file));
}
