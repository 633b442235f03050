/**
 * Settling an unknown e-RS outcome (issue 16): after a timeout, a dropped answer or a 5xx on an
 * update of a known referral, read the referral back (A005) and compare its version and state
 * with what the update would have made. Every update carries the version it applies to
 * (If-Match, or A016's `_history/{v}`), so e-RS either applied it — the version moved on and the
 * state is the one asked for — or not: the version is unchanged.
 */
import { EngineError } from '../../core/errors.js';
import type { DestinationResult, Settlement } from '../../core/plugins.js';
import type { ErsAuditSink, ErsClient, ErsResult } from '../../ers/client.js';
import type { QuotaSlot } from '../../ers/quota.js';

/** Updates of a known UBRN whose effect A005 shows: the state each leaves the referral in. */
const EXPECTED: Record<string, (r: ReferralFacts, sent: unknown) => boolean> = {
  A012: (r, sent) => binaryRefs(sent).every((url) => r.text.includes(url)),
  A013: (r) => r.state !== 'REJECTED' && r.appointment !== 'cancelled',
  A014: (r) => r.state === 'REJECTED',
  A016: (r) => r.appointment !== undefined && r.appointment !== 'cancelled',
  A022: (r) => r.appointment === 'cancelled' && r.state !== 'REJECTED',
  A028: (r) => r.state === 'TRIAGED_PROVIDER_TO_ACTION' || r.state === 'TRIAGE_RESPONSE',
};

export interface ReferralFacts {
  readonly version: number | undefined;
  readonly state: string | undefined;
  readonly appointment: string | undefined;
  /** The resource as text, to find file references in. */
  readonly text: string;
}

/** Pure: version, state and appointment status of an A005 ReferralRequest. */
export function referralFacts(resource: Record<string, unknown> | undefined): ReferralFacts {
  const meta = resource?.['meta'] as { versionId?: string } | undefined;
  const contained = (resource?.['contained'] ?? []) as { resourceType?: string; status?: string }[];
  return {
    version: meta?.versionId === undefined ? undefined : Number(meta.versionId),
    state: findState(resource?.['extension']),
    appointment: contained.find((c) => c.resourceType === 'Appointment')?.status,
    text: JSON.stringify(resource ?? {}),
  };
}

/** The referral state code: an extension `state` with a valueCoding, anywhere in the tree. */
function findState(extensions: unknown): string | undefined {
  if (!Array.isArray(extensions)) return undefined;
  for (const e of extensions as {
    url?: string;
    valueCoding?: { code?: string };
    extension?: unknown;
  }[]) {
    if (e.url === 'state' && typeof e.valueCoding?.code === 'string') return e.valueCoding.code;
    const inner = findState(e.extension);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

const binaryRefs = (sent: unknown): string[] =>
  [...JSON.stringify(sent ?? {}).matchAll(/Binary\/[\w.-]+/g)].map((m) => m[0]);

/** Pure: applied, not applied or unknown, from the version sent and the referral read back. */
export function decideSettlement(options: {
  readonly operation: string;
  readonly sentVersion: number;
  readonly referral: ReferralFacts;
  readonly sentRequest: unknown;
}): { outcome: Settlement['outcome']; reason: string } {
  const { referral, sentVersion } = options;
  const expected = EXPECTED[options.operation];
  if (expected === undefined)
    return { outcome: 'unknown', reason: `${options.operation} cannot be read back` };
  if (referral.version === undefined)
    return { outcome: 'unknown', reason: 'the referral read back has no version' };
  if (referral.version === sentVersion)
    return {
      outcome: 'not-applied',
      reason: 'the referral is still at the version the update named',
    };
  if (referral.version < sentVersion)
    return {
      outcome: 'unknown',
      reason: 'the referral is at an older version than the update named',
    };
  if (expected(referral, options.sentRequest))
    return {
      outcome: 'applied',
      reason: 'the version moved on and the referral is as the update leaves it',
    };
  return {
    outcome: 'unknown',
    reason:
      'the version moved on but the referral is not as the update leaves it (another change?)',
  };
}

/** Calls e-RS; a failure carries what was sent (`attempted`), for the history and settlement. */
export async function callErs(
  client: ErsClient,
  operation: string,
  input: Record<string, unknown>,
  options: {
    readonly signal: AbortSignal;
    readonly validated: boolean;
    readonly auditTo?: ErsAuditSink | undefined;
    /** The quota slot reserved for this call before it was marked in flight. */
    readonly slot?: QuotaSlot | undefined;
  },
): Promise<ErsResult> {
  try {
    return await client.execute(operation, input, options);
  } catch (error) {
    if (error instanceof EngineError && error.attempted === undefined) {
      let request;
      try {
        const r = client.prepare(operation, input);
        request = { method: r.method, path: r.path, body: r.body ?? null };
      } catch {
        throw error; // the inputs were refused before anything was sent
      }
      const facts: Record<string, string> = { operation };
      if (typeof input['ubrn'] === 'string') facts['ubrn'] = input['ubrn'];
      if (typeof input['version'] === 'string') facts['version'] = input['version'];
      const status = error.context['status'];
      error.attempted = {
        request,
        response:
          typeof status === 'number' ? { status, ersCodes: error.context['ersCodes'] } : null,
        facts,
      };
    }
    throw error;
  }
}

/** The settle hook of the ers destination: reads the referral back and decides. */
export async function settleErs(
  client: ErsClient | undefined,
  error: EngineError,
  signal: AbortSignal,
  /** Where the read-back's audit row goes, beside the failed call's (decision 180). */
  auditTo?: ErsAuditSink,
): Promise<Settlement> {
  const facts = error.attempted?.facts ?? {};
  const { operation = '', ubrn, version } = facts;
  if (client === undefined || ubrn === undefined || version === undefined)
    return {
      outcome: 'unknown',
      evidence: { operation, reason: 'no known UBRN and version to read back' },
    };
  if (EXPECTED[operation] === undefined)
    return {
      outcome: 'unknown',
      evidence: { operation, reason: `${operation} cannot be read back` },
    };
  let read: ErsResult;
  try {
    read = await client.execute('A005', { ubrn }, { signal, auditTo });
  } catch (readError) {
    const code = readError instanceof EngineError ? readError.code : 'ENGINE_UNEXPECTED';
    return {
      outcome: 'unknown',
      evidence: { operation, reason: 'reading the referral back (A005) failed', readError: code },
    };
  }
  const referral = referralFacts(read.resource);
  const decision = decideSettlement({
    operation,
    sentVersion: Number(version),
    referral,
    sentRequest: error.attempted?.request,
  });
  const evidence = {
    operation,
    readBack: 'A005',
    sentVersion: version,
    currentVersion: referral.version ?? null,
    state: referral.state ?? null,
    appointment: referral.appointment ?? null,
    reason: decision.reason,
  };
  if (decision.outcome !== 'applied') return { outcome: decision.outcome, evidence };
  const result: DestinationResult = {
    request: error.attempted?.request,
    response: {
      status: read.status,
      settledBy: 'A005',
      transactionId: read.transactionId ?? null,
      resource: read.resource ?? null,
    },
    output: read.output,
  };
  return { outcome: 'applied', result, evidence };
}
