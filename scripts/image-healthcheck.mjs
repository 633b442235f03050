// The image's HEALTHCHECK: GET /healthz on the HTTP address the engine was configured with
// (settings.yaml, settings.<ERS_BRIDGE_ENV>.yaml, then ERS_BRIDGE_HTTP_PORT / _HOST), so a
// container started on another port still reports healthy. Exit 0 healthy, 1 not.
import { loadSettings } from '../dist/config/load-settings.js';

const configDir = process.argv[2] ?? '.';

/** A wildcard listen address is not a destination: the engine is reached on loopback. */
function reachableHost(host) {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

try {
  const { http } = loadSettings(configDir).settings;
  const url = `http://${reachableHost(http.host)}:${http.port}/healthz`;
  const res = await fetch(url, { signal: AbortSignal.timeout(4000) });
  process.exit(res.ok ? 0 : 1);
} catch (error) {
  process.stderr.write(`healthcheck: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
