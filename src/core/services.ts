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
  /**
   * Providers whose services this one uses while starting (the e-RS client uses the sandbox's
   * address): they start first, whatever order the modules were imported in. A name no provider
   * has is ignored (that service is optional).
   */
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

/** The registered providers in start order (see `startOrder`); stop them in reverse. */
export function serviceProviders(): readonly ServiceProvider[] {
  return startOrder(providers);
}

/**
 * Pure: registration order, except that each provider comes after the ones it names in `after`
 * (a depth-first topological sort, stable for providers that name none). A cycle is a
 * programming error and throws.
 */
export function startOrder(list: readonly ServiceProvider[]): ServiceProvider[] {
  const byName = new Map(list.map((p) => [p.name, p]));
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const order: ServiceProvider[] = [];
  const place = (p: ServiceProvider): void => {
    if (placed.has(p.name)) return;
    if (visiting.has(p.name)) throw new Error(`service providers wait for each other: ${p.name}`);
    visiting.add(p.name);
    for (const name of p.after ?? []) {
      const first = byName.get(name);
      if (first !== undefined) place(first);
    }
    visiting.delete(p.name);
    placed.add(p.name);
    order.push(p);
  };
  for (const p of list) place(p);
  return order;
}
