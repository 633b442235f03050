import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Text of each page of a PDF, extracted by poppler's pdftotext (a real PDF reader, not ours). */
export function pdfPages(pdf: Buffer): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'letters-'));
  try {
    writeFileSync(join(dir, 'in.pdf'), pdf);
    execFileSync('pdftotext', [
      '-layout',
      '-enc',
      'UTF-8',
      join(dir, 'in.pdf'),
      join(dir, 'out.txt'),
    ]);
    return readFileSync(join(dir, 'out.txt'), 'utf8').split('\f').slice(0, -1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const NOW = new Date('2026-11-25T09:00:00Z');

export function sample(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`samples/letters/${name}.json`, 'utf8')) as Record<
    string,
    unknown
  >;
}
export const templateFile = (name: string): string => `mappings/letters/${name}.yaml`;
