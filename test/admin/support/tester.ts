/**
 * The mapping tester's API tests: an admin harness whose config folder holds the shipped
 * mappings, an operator's client, and the dry-run request.
 */
import { copyShippedMappings } from '../../support/mapping-fixtures.js';
import { startAdminHarness, type AdminHarness } from './admin-harness.js';
import { Client } from './http-client.js';
import type { TesterRun } from '../../../src/admin/service/mapping-tester.js';

/** A running admin harness (no channels) with the shipped mappings, and an operator's client. */
export async function startTesterHarness(): Promise<{ h: AdminHarness; api: Client }> {
  const h = await startAdminHarness();
  copyShippedMappings(h.configDir);
  return { h, api: new Client(h.url, h.tokens.operator) };
}

/** POST /api/mapping-test: a dry run of `mapping` (a path the tester lists) on `message`. */
export async function tryMapping(
  api: Client,
  request: { readonly mapping: string; readonly message: string },
): Promise<TesterRun> {
  return (await api.post('/api/mapping-test', request)).json<TesterRun>();
}
