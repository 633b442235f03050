/**
 * Validates a request as it arrived on the wire against NHS's OpenAPI spec
 * (test/fixtures/ers-openapi): path parameters, query, headers and JSON body, with ajv 8 and the
 * spec's own schemas ($refs resolved by json-schema-ref-parser). The copied spec leaves out the
 * example files it references; those resolve to nothing (examples are not schemas).
 */
import $RefParser from '@apidevtools/json-schema-ref-parser';
import { Ajv, type ValidateFunction } from 'ajv';
import * as formats from 'ajv-formats';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Captured } from './capture.js';

const SPEC = join(import.meta.dirname, '../../fixtures/ers-openapi/e-referrals-service-api.yaml');

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: object;
}
interface SpecOperation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: object }> };
}
type Spec = { paths: Record<string, Record<string, SpecOperation>> };

// ajv-formats is CommonJS with a default export: under ESM the function sits on `.default`.
const addFormats = (formats as unknown as { default: (ajv: Ajv) => Ajv }).default;

export async function loadSpec(): Promise<Spec> {
  return (await $RefParser.dereference(SPEC, {
    resolve: {
      file: {
        order: 1,
        canRead: true,
        read: async (file: { url: string }) => {
          const path = file.url.startsWith('file:') ? new URL(file.url) : file.url;
          try {
            return await readFile(path);
          } catch {
            // Only the example files are missing from the copy (checked: a schema $ref would be).
            if (!file.url.includes('/examples/')) throw new Error(`missing ${file.url}`);
            return '{}';
          }
        },
      },
    },
  })) as unknown as Spec;
}

export class RequestValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  private readonly compiled = new Map<object, ValidateFunction>();

  constructor(private readonly spec: Spec) {
    addFormats(this.ajv);
  }

  private validate(schema: object | undefined, value: unknown): string[] {
    if (schema === undefined) return [];
    let fn = this.compiled.get(schema);
    if (fn === undefined) {
      fn = this.ajv.compile(schema);
      this.compiled.set(schema, fn);
    }
    return fn(value)
      ? []
      : (fn.errors ?? []).map(
          (e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
        );
  }

  /** The spec operation for a method and a path below `/FHIR` (literal paths first). */
  private find(
    method: string,
    path: string,
  ): { op: SpecOperation; params: Record<string, string> } | undefined {
    const entries = Object.entries(this.spec.paths).sort(
      ([a], [b]) => Number(a.includes('{')) - Number(b.includes('{')),
    );
    for (const [template, item] of entries) {
      const op = item[method.toLowerCase()];
      if (op === undefined) continue;
      const names: string[] = [];
      const pattern = template
        .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
        .replace(/\{(\w+)\}/g, (_, n: string) => {
          names.push(n);
          return '([^/]+)';
        });
      const m = new RegExp(`^${pattern}$`).exec(path);
      if (m) return { op, params: Object.fromEntries(names.map((n, i) => [n, m[i + 1] ?? ''])) };
    }
    return undefined;
  }

  /** Every way the request breaks the spec (empty when valid). */
  problems(c: Captured): string[] {
    const url = new URL(c.url, 'http://x');
    const path = decodeURIComponent(url.pathname).replace(/^\/FHIR/, '');
    const found = this.find(c.method, path);
    if (found === undefined) return [`no ${c.method} ${path} in the spec`];
    const out: string[] = [];
    const declared = found.op.parameters ?? [];
    for (const p of declared) {
      const value =
        p.in === 'path'
          ? found.params[p.name]
          : p.in === 'query'
            ? (url.searchParams.get(p.name) ?? undefined)
            : headerOf(c, p.name);
      if (value === undefined) {
        if (p.required) out.push(`${p.in} ${p.name} is required`);
        continue;
      }
      const typed =
        (p.schema as { type?: string } | undefined)?.type === 'integer' ? Number(value) : value;
      for (const e of this.validate(p.schema, typed)) out.push(`${p.in} ${p.name}: ${e}`);
    }
    for (const name of url.searchParams.keys())
      if (!declared.some((p) => p.in === 'query' && p.name === name))
        out.push(`query ${name} is not in the spec`);
    const body = found.op.requestBody;
    const type = headerOf(c, 'content-type')?.split(';')[0]?.trim();
    if (c.body.length === 0) {
      if (body?.required) out.push('a body is required');
    } else if (body === undefined) out.push('the spec takes no body');
    else if (type === undefined || !(type in body.content))
      out.push(`content type ${String(type)} not in the spec`);
    else if (type.includes('json'))
      for (const e of this.validate(
        body.content[type]?.schema,
        JSON.parse(c.body.toString('utf8')),
      ))
        out.push(`body${e}`);
    return out;
  }
}

const headerOf = (c: Captured, name: string): string | undefined => {
  const v = c.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(',') : v;
};
