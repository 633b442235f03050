import type { DestinationPlugin, SourcePlugin, TransformerPlugin } from './plugins.js';

/**
 * Plugin registries. A stage registers its plugins when its module is imported
 * (`src/plugins.ts` imports every stage), so adding a source is one new file and one import.
 */
class Registry<T extends { type: string }> {
  private readonly byType = new Map<string, T>();
  constructor(private readonly kind: string) {}

  register(plugin: T): void {
    if (this.byType.has(plugin.type)) {
      throw new Error(`${this.kind} type "${plugin.type}" is registered twice`);
    }
    this.byType.set(plugin.type, plugin);
  }

  get(type: string): T | undefined {
    return this.byType.get(type);
  }

  types(): string[] {
    return [...this.byType.keys()].sort();
  }
}

// The registries hold plugins of differing config types; each plugin validates its own config
// with its schema before create() sees it, so `any` here is checked at the boundary.
/* eslint-disable @typescript-eslint/no-explicit-any */
export const sources = new Registry<SourcePlugin<any>>('source');
export const transformers = new Registry<TransformerPlugin<any>>('transformer');
export const destinations = new Registry<DestinationPlugin<any>>('destination');
/* eslint-enable @typescript-eslint/no-explicit-any */
