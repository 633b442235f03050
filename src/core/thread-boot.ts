import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on a module next to the caller (`name` without its extension). Under
 * tsx (tests, `npm start`) the thread needs the TypeScript loader; built code does not.
 */
export function startModuleThread(
  callerUrl: string,
  name: string,
  options: Omit<WorkerOptions, 'eval'> = {},
): Worker {
  const fromSource = callerUrl.endsWith('.ts');
  const entry = new URL(`./${name}.${fromSource ? 'ts' : 'js'}`, callerUrl);
  if (!fromSource) return new Worker(entry, options);
  // Resolved from here, not from the working directory: an eval'd thread resolves bare names
  // against the cwd, and `ers-bridge` may run from any config folder.
  // (`import.meta.resolve` exists where this file runs as ESM; tests under mocha load it as
  // CommonJS from the repository, where the bare name resolves anyway.)
  const meta = import.meta as { resolve?: (specifier: string) => string };
  const tsxApi = meta.resolve ? meta.resolve('tsx/esm/api') : 'tsx/esm/api';
  const boot = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}
