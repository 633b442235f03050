import { listenFailure } from '../core/listen-error.js';
import { registerServiceProvider } from '../core/services.js';
import { startSandbox, type RunningSandbox } from './index.js';

// Keyed by the engine's services, so two engines in one process (tests) each have their own.
const running = new WeakMap<object, RunningSandbox>();

/** Starts the embedded sandbox when settings.sandbox.enabled (the e-RS client starts `after` it). */
registerServiceProvider({
  name: 'sandbox',
  async start(services) {
    const { sandbox } = services.settings;
    if (!sandbox.enabled) return;
    const started = await startSandbox({
      host: sandbox.host,
      port: sandbox.port,
      ...(sandbox.seedFile === undefined ? {} : { seedFile: sandbox.seedFile }),
    }).catch((error: unknown) => {
      throw listenFailure(error, {
        what: 'the embedded e-RS sandbox',
        host: sandbox.host,
        port: sandbox.port,
        setting:
          'sandbox.port / sandbox.host in settings.yaml (ERS_BRIDGE_SANDBOX_PORT, --sandbox-port)',
      });
    });
    running.set(services, started);
    const url = loopbackUrl(started.url);
    (services as { sandbox?: { url: string } }).sandbox = { url };
    services.logger.info(
      { stage: 'sandbox', url, listen: started.url },
      'embedded e-RS sandbox listening',
    );
  },
  async stop(services) {
    await running.get(services)?.close();
    running.delete(services);
  },
});

/**
 * The URL the engine's own e-RS client calls: a wildcard listen address (`0.0.0.0`, `::`, set
 * to publish the sandbox from a container) is not a destination, so it is reached on loopback.
 */
export function loopbackUrl(listenUrl: string): string {
  const match = /^http:\/\/(.*):(\d+)$/.exec(listenUrl);
  if (match === null) return listenUrl;
  const [, host, port] = match;
  if (host === '0.0.0.0') return `http://127.0.0.1:${port}`;
  if (host === '::' || host === '[::]') return `http://[::1]:${port}`;
  // An IPv6 literal needs brackets in a URL.
  if (host !== undefined && host.includes(':') && !host.startsWith('['))
    return `http://[${host}]:${port}`;
  return listenUrl;
}
