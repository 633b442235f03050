// Alerts stage: rules over the store, engine, folders and certificates; incidents; webhook and email delivery.
import type { AlertMonitor } from './monitor.js';

export { AlertMonitor, type AlertMonitorOptions, type AlertsView } from './monitor.js';
export { reconcile } from './incidents.js';
export { findings } from './rules.js';
export type { Finding, Incident, Notice } from './types.js';

declare module '../core/services.js' {
  interface EngineServices {
    /** Set by the engine process when settings.alerts.enabled (read by the admin API and page). */
    alerts?: AlertMonitor;
  }
}
