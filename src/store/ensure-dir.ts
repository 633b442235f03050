import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EngineError } from '../core/errors.js';

/**
 * Creates a folder and its missing parents one level at a time. Node's `mkdirSync(…,
 * { recursive: true })` never returns for a path under /proc (it spun at 85% CPU, deaf to
 * SIGTERM: issue 16); one level at a time fails at once with a clear error instead.
 */
export function ensureDir(dir: string): void {
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  try {
    for (const d of missing) mkdirSync(d);
  } catch (error) {
    throw new EngineError(
      'STORE_UNAVAILABLE',
      `cannot create the data folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { cause: error },
    );
  }
}
