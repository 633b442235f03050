/**
 * The structure map of `src/`: which top folder imports which, checked against the layer order
 * (docs/decisions/120-layers.md). `test/architecture/layers.test.ts` fails on any import that runs
 * up or sideways between folders and on any folder cycle; `npm run arch:map` prints the map.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import ts from 'typescript';

/**
 * Each top folder of `src/` and its floor. A folder may import only folders on a LOWER floor, so
 * two folders on one floor never import each other and no cycle can form. Adding a folder means
 * adding it here (the test fails on a folder it does not know).
 */
export const LAYERS = {
  // the kernel: errors and their catalogue, plugin contracts, registries, services, logger,
  // metrics, the store contract and the settings schema
  core: 0,
  // pure codecs and wire protocols: HL7 v2, MLLP, CSV, XML
  formats: 1,
  store: 2,
  config: 2,
  letters: 2,
  // the runtime knows plugins only through core's registries, never a source or destination
  engine: 3,
  ers: 3,
  mapping: 4,
  sandbox: 4,
  // alert rules over the store, the engine's control interface, folders and certificates
  alerts: 4,
  sources: 5,
  destinations: 5,
  admin: 6,
  // the composition root: imports every plugin and starts engine, admin server and schedules
  main: 7,
  cli: 8,
} as const;

export type Folder = keyof typeof LAYERS;

/** One import from a file in one top folder to a file in another. */
export interface FolderImport {
  readonly from: string;
  readonly to: string;
  readonly file: string;
  readonly specifier: string;
}

/** Pure: the top folder of a path relative to `src/` (`''` for a file directly in `src/`). */
export function topFolder(pathInSrc: string): string {
  const parts = pathInSrc.split('/');
  return parts.length > 1 ? (parts[0] ?? '') : '';
}

function listTs(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

/** Every relative import (static, dynamic, type-only, `declare module`) crossing top folders. */
export function crossFolderImports(srcDir: string): FolderImport[] {
  const out: FolderImport[] = [];
  for (const file of listTs(srcDir)) {
    const fromPath = relative(srcDir, file).split(sep).join('/');
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of info.importedFiles) {
      if (!specifier.startsWith('.')) continue;
      const toPath = relative(srcDir, normalize(join(dirname(file), specifier)))
        .split(sep)
        .join('/');
      const from = topFolder(fromPath);
      const to = topFolder(toPath);
      if (from !== to) out.push({ from, to, file: fromPath, specifier });
    }
  }
  return out;
}

/**
 * Parsers that must be reached only through their `formats/` module, so its guards apply (the
 * XML one refuses DOCTYPE and entities). Package → the folder allowed to import it.
 */
export const PARSER_HOMES: Readonly<Record<string, string>> = { xml2js: 'formats/xml/' };

/** Files of `src/` (relative paths) importing a package that only its home may import. */
export function parserEscapes(srcDir: string): string[] {
  const out: string[] = [];
  for (const file of listTs(srcDir)) {
    const path = relative(srcDir, file).split(sep).join('/');
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of info.importedFiles) {
      const pkg = Object.keys(PARSER_HOMES).find(
        (p) => fileName === p || fileName.startsWith(`${p}/`),
      );
      if (pkg !== undefined && !path.startsWith(PARSER_HOMES[pkg] ?? ''))
        out.push(`${path} -> ${fileName}`);
    }
  }
  return out;
}

function layerOf(folder: string): number | undefined {
  return Object.hasOwn(LAYERS, folder) ? LAYERS[folder as Folder] : undefined;
}

/** Pure: imports that do not run strictly down the floors (up, sideways, or from/to an unknown folder). */
export function violations(imports: readonly FolderImport[]): FolderImport[] {
  return imports.filter((i) => {
    const from = layerOf(i.from);
    const to = layerOf(i.to);
    return from === undefined || to === undefined || to >= from;
  });
}

/** Pure: the folder graph's cycles, each as a list of folders (one per strongly connected set). */
export function folderCycles(imports: readonly FolderImport[]): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const i of imports) {
    if (!edges.has(i.from)) edges.set(i.from, new Set());
    if (!edges.has(i.to)) edges.set(i.to, new Set());
    edges.get(i.from)?.add(i.to);
  }
  // Tarjan's strongly connected components; any component of two or more folders is a cycle.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, idx.get(w) ?? 0));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w !== undefined) {
          onStack.delete(w);
          scc.push(w);
        }
      } while (w !== undefined && w !== v);
      if (scc.length > 1) cycles.push(scc.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!idx.has(v)) visit(v);
  return cycles;
}

/** Pure: `from -> to  count` lines, sorted. */
export function edgeCounts(imports: readonly FolderImport[]): string[] {
  const counts = new Map<string, number>();
  for (const i of imports) {
    const key = `${i.from || '(src)'} -> ${i.to || '(src)'}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}  ${n}`);
}

if (import.meta.filename === process.argv[1]) {
  // An optional argument maps another tree (e.g. an older commit unpacked with `git archive`).
  const imports = crossFolderImports(process.argv[2] ?? join(import.meta.dirname, '..', 'src'));
  const bad = violations(imports);
  console.log(edgeCounts(imports).join('\n'));
  console.log(`\n${imports.length} imports between folders`);
  console.log(`${bad.length} not running down the floors`);
  for (const b of bad) console.log(`  ${b.file} -> ${b.specifier}`);
  console.log(`${folderCycles(imports).length} folder cycles`);
  for (const e of parserEscapes(process.argv[2] ?? join(import.meta.dirname, '..', 'src')))
    console.log(`parser outside its formats/ module: ${e}`);
  for (const c of folderCycles(imports)) console.log(`  ${c.join(' <-> ')}`);
}
