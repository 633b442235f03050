import type { Logger } from 'pino';
import type { MessageStore } from './store-types.js';
import type { EngineSettings } from './settings.js';

/**
 * Engine-wide services handed to every plugin. Stages add their own service by declaration
 * merging, so this file does not grow with each stage:
 *
 *   declare module '../core/services.js' {
 *     interface EngineServices { ers?: ErsClient }
 *   }
 *
 * and create it in a service provider registered with `registerServiceProvider`.
 */
export interface EngineServices {
  readonly store: MessageStore;
  readonly settings: EngineSettings;
  readonly logger: Logger;
  /** Injected so tests and pure code can fix time. */
  readonly clock: () => number;
}

export interface ServiceProvider {
  readonly name: string;
  /** Providers that must start first when registered (e.g. the e-RS client after the sandbox). */
  readonly after?: readonly string[];
  /** Adds the service to `services` (mutable during start-up only). */
  start(services: EngineServices): Promise<void> | void;
  stop?(services: EngineServices): Promise<void> | void;
}

const providers: ServiceProvider[] = [];

export function registerServiceProvider(provider: ServiceProvider): void {
  if (providers.some((p) => p.name === provider.name)) {
    throw new Error(`service provider "${provider.name}" is registered twice`);
  }
  providers.push(provider);
}

/**
 * In registration order, except that a provider comes after those it names in `after`
 * (registration order follows module import order, which a test importing one stage can change).
 */
export function serviceProviders(): readonly ServiceProvider[] {
  const out: ServiceProvider[] = [];
  const place = (p: ServiceProvider, seen: Set<string>): void => {
    if (out.includes(p) || seen.has(p.name)) return;
    seen.add(p.name);
    for (const name of p.after ?? []) {
      const first = providers.find((q) => q.name === name);
      if (first) place(first, seen);
    }
    out.push(p);
  };
  for (const p of providers) place(p, new Set());
  return out;
}
