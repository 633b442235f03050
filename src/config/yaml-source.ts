import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { EngineError } from '../core/errors.js';

/**
 * A YAML file read with positions kept, so every validation error can say `file:line`.
 * `${VAR}` and `${VAR:-default}` are substituted in scalars before validation; a scalar that is
 * exactly one reference takes the YAML type of its value (so `port: ${MLLP_PORT:-2575}` is a
 * number, as it would be written literally).
 */
export interface YamlSource {
  readonly file: string;
  /** Path shown in messages: relative to the working directory when shorter. */
  readonly displayPath: string;
  readonly text: string;
  readonly value: unknown;
  lineOf(path: readonly PropertyKey[]): number;
}

export interface ConfigIssue {
  readonly file: string;
  readonly line: number;
  readonly path: string;
  readonly message: string;
}

export const formatIssue = (i: ConfigIssue): string =>
  `${i.file}:${i.line}: ${i.path === '' ? '' : `${i.path} `}${i.message}`;

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}$/;

export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') || rel === '' ? file : rel;
}

export function readYamlSource(file: string, env: NodeJS.ProcessEnv): YamlSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new EngineError(
      'CONFIG_FILE_UNREADABLE',
      `${displayPath(file)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return parseYamlSource(file, text, env);
}

export function parseYamlSource(file: string, text: string, env: NodeJS.ProcessEnv): YamlSource {
  const shown = displayPath(file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const firstError = doc.errors[0];
  if (firstError !== undefined) {
    const line = lineCounter.linePos(firstError.pos[0]).line;
    throw new EngineError(
      'CONFIG_FILE_UNREADABLE',
      `${shown}:${line}: not valid YAML: ${firstError.message.split('\n')[0] ?? ''}`,
      {
        at: `${shown}:${line}`,
      },
    );
  }
  substituteEnv(doc, env, (node, name) => {
    const line = node.range ? lineCounter.linePos(node.range[0]).line : 1;
    throw new EngineError(
      'CONFIG_ENV_MISSING',
      `${shown}:${line}: environment variable ${name} is not set and has no default`,
      {
        at: `${shown}:${line}`,
      },
    );
  });
  const value: unknown = doc.toJS();
  return {
    file,
    displayPath: shown,
    text,
    value,
    lineOf: (path) => lineOfPath(doc, lineCounter, path),
  };
}

function substituteEnv(
  doc: Document,
  env: NodeJS.ProcessEnv,
  missing: (node: Node, name: string) => never,
): void {
  const visit = (node: unknown): void => {
    if (isMap(node) || isSeq(node)) {
      for (const item of node.items) visit(isMap(node) ? (item as { value: unknown }).value : item);
      return;
    }
    if (!isScalar(node) || typeof node.value !== 'string' || !node.value.includes('${')) return;
    const lookup = (name: string, fallback: string | undefined): string => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      return missing(node, name);
    };
    const whole = WHOLE_REF.exec(node.value);
    if (whole) {
      const replaced = lookup(whole[1] ?? '', whole[2]);
      const typed: unknown = parseDocument(replaced).toJS();
      node.value = typeof typed === 'number' || typeof typed === 'boolean' ? typed : replaced;
      return;
    }
    node.value = node.value.replace(REF, (_m, name: string, fallback: string | undefined) =>
      lookup(name, fallback),
    );
  };
  visit(doc.contents);
}

function lineOfPath(doc: Document, lc: LineCounter, path: readonly PropertyKey[]): number {
  // Walk as deep as the path exists; an error about a missing key points at its parent.
  let node: unknown = doc.contents;
  let best = 1;
  const lineAt = (n: unknown): number | undefined => {
    const range = (n as { range?: [number, number, number] } | null)?.range;
    return range ? lc.linePos(range[0]).line : undefined;
  };
  best = lineAt(node) ?? best;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      best = lineAt(pair.key) ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      best = lineAt(node) ?? best;
    } else break;
  }
  return best;
}
