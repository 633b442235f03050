import type { Destination, PluginDefinition, Source, Transformer } from './plugins.js';

/**
 * Plugin registries. A stage registers its plugins when its module is imported
 * (`src/main/plugins.ts` imports every stage), so adding a source is one new file and one import.
 */
class Registry<TInstance> {
  private readonly byType = new Map<string, PluginDefinition<unknown, TInstance>>();
  constructor(private readonly kind: string) {}

  /** The config type is inferred from the plugin's schema, so `create` sees validated, typed config. */
  register<TConfig>(plugin: PluginDefinition<TConfig, TInstance>): void {
    if (this.byType.has(plugin.type)) {
      throw new Error(`${this.kind} type "${plugin.type}" is registered twice`);
    }
    // Stored under `unknown` config: the loader passes `create` only what `schema` produced.
    this.byType.set(plugin.type, plugin);
  }

  get(type: string): PluginDefinition<unknown, TInstance> | undefined {
    return this.byType.get(type);
  }

  types(): string[] {
    return [...this.byType.keys()].sort();
  }
}

export const sources = new Registry<Source>('source');
export const transformers = new Registry<Transformer>('transformer');
export const destinations = new Registry<Destination>('destination');
