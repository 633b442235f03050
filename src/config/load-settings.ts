import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EngineError } from '../core/errors.js';
import { SETTINGS_ENV, SettingsSchema, type EngineSettings } from '../core/settings.js';
import { formatIssue, readYamlSource, type ConfigIssue, type YamlSource } from './yaml-source.js';
import { zodIssues } from './zod-issues.js';

export interface LoadedSettings {
  readonly settings: EngineSettings;
  /** Files read, in the order applied. */
  readonly files: readonly string[];
}

/**
 * Settings = `settings.yaml`, then `settings.<ERS_BRIDGE_ENV>.yaml` over it (so the same
 * channels move from test to live unchanged), then the ERS_BRIDGE_* variables over both.
 * Both files are optional: with neither, the defaults of settings.ts apply.
 */
export function loadSettings(
  configDir: string,
  env: NodeJS.ProcessEnv = process.env,
): LoadedSettings {
  const names = [
    'settings.yaml',
    ...(env['ERS_BRIDGE_ENV'] ? [`settings.${env['ERS_BRIDGE_ENV']}.yaml`] : []),
  ];
  const sources: YamlSource[] = names
    .map((n) => join(configDir, n))
    .filter((f) => existsSync(f))
    .map((f) => readYamlSource(f, env));
  let merged: Record<string, unknown> = {};
  for (const s of sources) merged = deepMerge(merged, asObject(s.value));
  merged = applyEnvOverrides(merged, env);
  const parsed = SettingsSchema.safeParse(merged);
  if (!parsed.success) {
    const source = sources.at(-1);
    const issues: ConfigIssue[] = source
      ? zodIssues(parsed.error, source)
      : parsed.error.issues.map((i) => ({
          file: '(environment)',
          line: 0,
          path: i.path.join('.'),
          message: i.message,
        }));
    throw new EngineError('CONFIG_INVALID', issues.map(formatIssue).join('\n'), {
      context: { issues },
    });
  }
  return { settings: withPathsFrom(configDir, parsed.data), files: sources.map((s) => s.file) };
}

/** Settings that name a file; each, when set, is relative to the config folder. */
const FILE_SETTINGS = ['seedFile', 'tokenFile', 'accessTokenFile', 'privateKeyFile'] as const;

/** Pure: a copy of `section` with its file settings resolved against `configDir`. */
function filesFrom<T extends Record<string, unknown>>(configDir: string, section: T): T {
  const out: Record<string, unknown> = { ...section };
  for (const key of FILE_SETTINGS) {
    const file = out[key];
    if (typeof file === 'string') out[key] = resolve(configDir, file);
  }
  return out as T;
}

/** File settings may be relative: they are relative to the config folder, not the working directory. */
export function withPathsFrom(configDir: string, settings: EngineSettings): EngineSettings {
  const { sandbox, ers } = settings;
  return {
    ...settings,
    sandbox: filesFrom(configDir, sandbox),
    ers: ers.auth === undefined ? ers : { ...ers, auth: filesFrom(configDir, ers.auth) },
  };
}

const asObject = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

export function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      v !== null &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      b !== null &&
      typeof b === 'object' &&
      !Array.isArray(b)
        ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

function applyEnvOverrides(
  settings: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): Record<string, unknown> {
  let out = settings;
  for (const [name, path] of Object.entries(SETTINGS_ENV)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value: unknown = /^\d+$/.test(raw) && path.at(-1) === 'port' ? Number(raw) : raw;
    const patch = path.reduceRight<unknown>((acc, key) => ({ [key]: acc }), value);
    out = deepMerge(out, patch as Record<string, unknown>);
  }
  return out;
}
