import type { Logger } from 'pino';
import type { EngineServices } from '../../src/core/services.js';
import { SettingsSchema } from '../../src/core/settings.js';
import type { MessageStore } from '../../src/core/store-types.js';

/**
 * The engine's services for a destination called on its own in a unit test: default settings and
 * no store (these sends never reach it; a test that needs one starts a real store instead).
 */
export function storelessServices(logger: Logger): EngineServices {
  return {
    store: {} as MessageStore,
    settings: SettingsSchema.parse({}),
    logger,
    clock: Date.now,
  };
}
