/**
 * Compares FHIR bodies by shape, not values (FHIR-Converter style golden checks): the set of key
 * paths (array indices dropped), resource types, profiles, identifier/code systems and parameter
 * names. Dynamic code-system bases (SPECIALTY, CLINIC-TYPE…) differ per environment, so they are
 * reduced to their last segment.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Shape {
  paths: string[];
  profiles: string[];
  systems: string[];
  parameterNames: string[];
}

const normaliseSystem = (s: string): string =>
  /\/CodeSystem\/(SPECIALTY|CLINIC-TYPE|APPOINTMENT-CANCELLATION-REASON)$/.test(s) ||
  /eRS-Specialty-1$/.test(s)
    ? `CodeSystem/${s.split('/').pop() ?? ''}`.replace('eRS-Specialty-1', 'SPECIALTY')
    : s;

export function shapeOf(value: unknown): Shape {
  const paths = new Set<string>();
  const profiles = new Set<string>();
  const systems = new Set<string>();
  const names = new Set<string>();
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v)) {
      for (const item of v) walk(item, path);
      return;
    }
    if (v === null || typeof v !== 'object') return;
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      const p = path === '' ? k : `${path}.${k}`;
      paths.add(p);
      if (k === 'profile' && Array.isArray(child)) for (const x of child) profiles.add(String(x));
      if (k === 'system' && typeof child === 'string') systems.add(normaliseSystem(child));
      if (k === 'name' && typeof child === 'string' && path.endsWith('parameter')) names.add(child);
      walk(child, p);
    }
  };
  walk(value, '');
  return {
    paths: [...paths].sort(),
    profiles: [...profiles].sort(),
    systems: [...systems].sort(),
    parameterNames: [...names].sort(),
  };
}

export function officialExample(name: string): unknown {
  return JSON.parse(
    readFileSync(join(import.meta.dirname, '..', 'fixtures', 'ers-examples', name), 'utf8'),
  );
}
