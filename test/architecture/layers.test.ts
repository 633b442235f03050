import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  crossFolderImports,
  folderCycles,
  LAYERS,
  parserEscapes,
  violations,
  type FolderImport,
} from '../../scripts/structure-map.js';

const srcDir = join(import.meta.dirname, '..', '..', 'src');
const at = (file: string, specifier: string): FolderImport => {
  const [from = '', ...rest] = file.split('/');
  const to = join(from, ...rest.slice(0, -1), specifier).split('/')[0] ?? '';
  return { from, to, file, specifier };
};

describe('architecture: the folders of src/ import only downwards (docs/decisions/120-layers.md)', () => {
  const imports = crossFolderImports(srcDir);

  it('finds the imports it checks (the map is not empty)', () => {
    expect(imports.length).to.be.greaterThan(100);
    expect(imports.some((i) => i.from === 'engine' && i.to === 'core')).to.equal(true);
  });

  it('has no import running up or sideways between top folders', () => {
    const bad = violations(imports).map((i) => `${i.file} -> ${i.specifier}`);
    expect(
      bad,
      'move the imported code down, or the importer up (see src/<folder>/README.md)',
    ).to.deep.equal([]);
  });

  it('has no folder cycle', () => {
    expect(folderCycles(imports)).to.deep.equal([]);
  });

  it('knows every top folder of src/ and has no file directly in src/', () => {
    const entries = readdirSync(srcDir, { withFileTypes: true });
    expect(entries.filter((e) => !e.isDirectory()).map((e) => e.name)).to.deep.equal([]);
    const unknown = entries.filter((e) => !Object.hasOwn(LAYERS, e.name)).map((e) => e.name);
    expect(unknown, 'add the folder to LAYERS in scripts/structure-map.ts').to.deep.equal([]);
  });

  it('has a README in every top folder saying what it may import', () => {
    const folders = readdirSync(srcDir, { withFileTypes: true }).filter((e) => e.isDirectory());
    const missing = folders
      .map((e) => e.name)
      .filter((name) => {
        const readme = join(srcDir, name, 'README.md');
        return !existsSync(readme) || !readFileSync(readme, 'utf8').includes('May import');
      });
    expect(missing).to.deep.equal([]);
  });

  it('parses XML only through formats/xml (its DOCTYPE/entity guard)', () => {
    expect(parserEscapes(srcDir)).to.deep.equal([]);
  });

  it('flags an upward import, a sideways one, and a cycle', () => {
    const up = at('store/sqlite/store.ts', '../../engine/errors.js');
    const side = at('mapping/x.ts', '../sandbox/y.js');
    const down = at('engine/engine.ts', '../core/errors.js');
    expect(violations([up, side, down])).to.deep.equal([up, side]);
    expect(folderCycles([up, at('engine/a.ts', '../store/b.js'), down])).to.deep.equal([
      ['engine', 'store'],
    ]);
  });
});
