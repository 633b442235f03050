import { registerServiceProvider, type EngineServices } from '../core/services.js';
import type { ErsAuthSettings } from '../core/settings.js';
import { platformAuth, sessionAuth, type ErsAuth } from './auth.js';
import { ErsClient } from './client.js';
import { defaultCodeSystemBase, environmentOf, stu3Base } from './environment.js';
import { PROVIDER_OPERATIONS } from './operations/index.js';
import type { QuotaLimiterOptions, SharedQuotaLine } from './quota.js';

export { PROVIDER_OPERATIONS } from './operations/index.js';
export { stu3Base } from './environment.js';

declare module '../core/services.js' {
  interface EngineServices {
    /** The e-RS client, pointed at the embedded sandbox or at settings.ers.baseUrl. */
    ers?: ErsClient;
    /** Set by the sandbox provider when the embedded sandbox runs. */
    sandbox?: { readonly url: string };
  }
}

/** What the embedded sandbox accepts when no auth is configured: a platform-style caller. */
export const SANDBOX_DEFAULT_AUTH: ErsAuthSettings = {
  mode: 'platform',
  accessToken: 'sandbox-access-token',
  businessFunction: 'REFERRING_CLINICIAN',
  // The sandbox user holds both roles, so the shipped channels' provider flows (triage, worklist,
  // cancellation, Advice and Guidance responses) run beside the referral flows in one engine.
  businessFunctionFor: Object.fromEntries(
    PROVIDER_OPERATIONS.map((id) => [id, 'SERVICE_PROVIDER_CLINICIAN']),
  ),
  odsCode: 'R69',
};

/** The client for these settings, or why there is none (e-RS not configured: file-only engines). */
export function createErsClient(services: EngineServices): ErsClient | string {
  const { ers } = services.settings;
  const baseUrl = services.sandbox?.url ?? ers.baseUrl;
  if (baseUrl === undefined)
    return 'no e-RS: the embedded sandbox is disabled and settings.ers.baseUrl is not set';
  const authSettings = ers.auth ?? (services.sandbox ? SANDBOX_DEFAULT_AUTH : undefined);
  if (authSettings === undefined)
    return 'no e-RS: settings.ers.auth is required outside the sandbox';
  const auth: ErsAuth =
    authSettings.mode === 'platform'
      ? platformAuth(authSettings)
      : sessionAuth(authSettings, baseUrl.replace(/\/+$/, ''));
  const environment = environmentOf(baseUrl, services.sandbox !== undefined);
  return new ErsClient({
    stu3Base: stu3Base(baseUrl, ers.flavour),
    codeSystemBase: ers.codeSystemBase ?? defaultCodeSystemBase(environment, baseUrl),
    auth,
    requestsPerMinute: ers.requestsPerMinute,
    timeoutMs: ers.timeoutMs,
    store: services.store,
    clock: services.clock,
    quota: sharedQuota(services),
  });
}

/**
 * On PostgreSQL every instance takes its slots from the store's one line, so together they keep
 * the quota of the application they share (decision 205); SQLite has one instance, its own line.
 */
function sharedQuota({ store, logger }: EngineServices): QuotaLimiterOptions {
  // Asked of the store, not of its class: the e-RS floor never loads the PostgreSQL driver.
  if (!hasQuotaLine(store)) return {};
  return {
    shared: store,
    onSharedLine(state, error) {
      if (state === 'down')
        logger.warn(
          { stage: 'ers', err: error },
          'e-RS quota: the shared slot line in PostgreSQL failed; this instance spaces its own calls until it answers',
        );
      else logger.info({ stage: 'ers' }, 'e-RS quota: the shared slot line answers again');
    },
  };
}

function hasQuotaLine(store: object): store is SharedQuotaLine {
  return typeof (store as Partial<SharedQuotaLine>).takeErsQuotaSlot === 'function';
}

registerServiceProvider({
  name: 'ers',
  // The client may use the embedded sandbox: it starts after it, whatever the import order.
  after: ['sandbox'],
  start(services) {
    // A mutable slot during start-up only (services.ts): the client is shared by every channel,
    // so one quota governs the whole application.
    const client = createErsClient(services);
    if (typeof client === 'string') {
      services.logger.warn({ stage: 'ers' }, client);
      return;
    }
    (services as { ers?: ErsClient }).ers = client;
  },
  async stop(services) {
    await services.ers?.close();
  },
});
