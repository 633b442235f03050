import { registerServiceProvider } from '../engine/services.js';
import { startSandbox, type RunningSandbox } from './index.js';

// Keyed by the engine's services, so two engines in one process (tests) each have their own.
const running = new WeakMap<object, RunningSandbox>();

/** Starts the embedded sandbox when settings.sandbox.enabled, before the e-RS client needs it. */
registerServiceProvider({
  name: 'sandbox',
  async start(services) {
    const { sandbox } = services.settings;
    if (!sandbox.enabled) return;
    const started = await startSandbox({
      host: sandbox.host,
      port: sandbox.port,
      ...(sandbox.seedFile === undefined ? {} : { seedFile: sandbox.seedFile }),
    });
    running.set(services, started);
    (services as { sandbox?: { url: string } }).sandbox = { url: started.url };
    services.logger.info({ stage: 'sandbox', url: started.url }, 'embedded e-RS sandbox listening');
  },
  async stop(services) {
    await running.get(services)?.close();
    running.delete(services);
  },
});
