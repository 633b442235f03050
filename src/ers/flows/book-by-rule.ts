import { EngineError } from '../../core/errors.js';
import type { ErsClient } from '../client.js';
import { ErsError } from '../ers-error.js';
import { versionOf } from './referral-letters.js';
import { slotSearchFacts } from '../readers/referral.js';

/** How a slot is chosen from A015's free slots. */
export type SlotRule =
  | { readonly kind: 'first-free' }
  /** The earliest slot starting on or after `from` (ISO 8601 date or date-time). */
  | { readonly kind: 'first-on-or-after'; readonly from: string };

export interface FreeSlot {
  readonly id: string;
  readonly start: string;
  readonly end: string;
}

/** Pure: the free slots of an A015 Bundle (schedules and taken slots left out). */
export function freeSlotsOf(bundle: unknown): FreeSlot[] {
  const entries = (bundle as { entry?: { resource?: Record<string, unknown> }[] } | undefined)
    ?.entry;
  return (entries ?? []).flatMap(({ resource: r }) => {
    if (r?.['resourceType'] !== 'Slot' || (r['status'] ?? 'free') !== 'free') return [];
    const { id, start, end } = r;
    return typeof id === 'string' && typeof start === 'string' && typeof end === 'string'
      ? [{ id, start, end }]
      : [];
  });
}

/** Pure: the slot the rule picks among `slots` (any order), or undefined. */
export function chooseSlot(rule: SlotRule, slots: readonly FreeSlot[]): FreeSlot | undefined {
  const byStart = [...slots].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  switch (rule.kind) {
    case 'first-free':
      return byStart[0];
    case 'first-on-or-after': {
      const from = Date.parse(rule.from);
      return byStart.find((s) => Date.parse(s.start) >= from);
    }
  }
}

export interface BookByRuleInput {
  readonly ubrn: string;
  /** The referral version to book against; read with A005 when absent or found stale (409). */
  readonly version?: string;
  readonly serviceId: string;
  readonly nhsNumber: string;
  readonly rule: SlotRule;
  /** The referral's priority and Commissioning-Rule-Org for A015; read with A005 when absent. */
  readonly priority?: string;
  readonly commissioningRuleOrg?: string;
}

/** What A015 needs besides the service: the referral's priority and commissioning-rule org. */
interface SlotSearch {
  readonly priority: string;
  readonly commissioningRuleOrg: string;
}

export interface BookByRuleOptions {
  /** A015 page size (1–100); pages are read in order until the rule finds a slot. */
  readonly pageSize?: number;
  readonly maxPages?: number;
  /** Slots taken between A015 and A016 (SLOT_NOT_AVAILABLE): search again this many times. */
  readonly attempts?: number;
  /**
   * When the service has no free slot at all: `fail` (ERS_NO_FREE_SLOT, the default) or `defer`
   * to the provider with NO_SLOTS_AT_SERVICE — the one deferral e-RS permits for an empty slot
   * search. Free slots that only miss the rule's date never defer (that would misuse deferral).
   */
  readonly whenNoSlots?: 'fail' | 'defer';
  readonly signal?: AbortSignal;
}

export interface Booked {
  readonly outcome: 'booked' | 'deferred';
  /** The slot booked (absent when deferred). */
  readonly slot: FreeSlot | undefined;
  readonly appointmentId: string | undefined;
  readonly version: string | undefined;
}

const signalOf = (o: { signal?: AbortSignal }): { signal?: AbortSignal } =>
  o.signal ? { signal: o.signal } : {};

/** A015 pages in order until the rule picks a slot; e-RS lists slots by start time. */
async function findSlot(
  client: ErsClient,
  input: BookByRuleInput & SlotSearch,
  options: BookByRuleOptions,
): Promise<{ slot: FreeSlot | undefined; anyFree: boolean }> {
  const count = options.pageSize ?? 100;
  let anyFree = false;
  for (let page = 1; page <= (options.maxPages ?? 10); page++) {
    const answer = await client.execute(
      'A015',
      {
        serviceId: input.serviceId,
        priority: input.priority,
        commissioningRuleOrg: input.commissioningRuleOrg,
        count,
        page,
      },
      signalOf(options),
    );
    const slots = freeSlotsOf(answer.resource);
    anyFree ||= slots.length > 0;
    const chosen = chooseSlot(input.rule, slots);
    if (chosen !== undefined) return { slot: chosen, anyFree };
    const total = (answer.resource as { total?: number } | undefined)?.total ?? 0;
    if (slots.length === 0 || page * count >= total) break;
  }
  return { slot: undefined, anyFree };
}

/** A016 deferral to the provider because the service has no free slot. */
async function defer(
  client: ErsClient,
  input: BookByRuleInput & { version: string },
  options: BookByRuleOptions,
): Promise<Booked> {
  const deferred = await client.execute(
    'A016',
    {
      ubrn: input.ubrn,
      version: input.version,
      serviceId: input.serviceId,
      nhsNumber: input.nhsNumber,
      action: 'defer',
      deferReason: 'NO_SLOTS_AT_SERVICE',
    },
    signalOf(options),
  );
  const id = deferred.resource?.['id'];
  return {
    outcome: 'deferred',
    slot: undefined,
    appointmentId: typeof id === 'string' ? id : undefined,
    version: deferred.output['version'],
  };
}

/**
 * Books the slot a rule picks (A015 → A016). A slot taken by someone else in between is
 * searched for again, a stale version (409) read again (A005); no fitting slot fails with ERS_NO_FREE_SLOT (retried later: slots free
 * up), leaving the choice to defer (A016 NO_SLOTS_AT_SERVICE) to the caller.
 */
export async function bookBySlotRule(
  client: ErsClient,
  input: BookByRuleInput,
  options: BookByRuleOptions = {},
): Promise<Booked> {
  const attempts = options.attempts ?? 2;
  const readReferral = async (): Promise<unknown> =>
    (await client.execute('A005', { ubrn: input.ubrn }, signalOf(options))).resource;
  const read = async (): Promise<string> => versionOf(await readReferral()) ?? '';
  const known = input.version !== undefined && input.priority && input.commissioningRuleOrg;
  const referral = known ? undefined : await readReferral();
  const facts = slotSearchFacts(referral);
  const search: BookByRuleInput & SlotSearch = {
    ...input,
    priority: input.priority ?? facts.priority ?? 'ROUTINE',
    commissioningRuleOrg: input.commissioningRuleOrg ?? facts.commissioningRuleOrg ?? '',
  };
  let version = input.version ?? versionOf(referral) ?? '';
  for (let attempt = 1; ; attempt++) {
    const { slot, anyFree } = await findSlot(client, search, options);
    if (slot === undefined && !anyFree && options.whenNoSlots === 'defer')
      return defer(client, { ...input, version }, options);
    if (slot === undefined)
      throw new EngineError(
        'ERS_NO_FREE_SLOT',
        `no free slot at service ${input.serviceId} fits ${input.rule.kind === 'first-free' ? 'first free' : `first on or after ${input.rule.from}`}`,
        { at: 'slotId' },
      );
    try {
      const booked = await client.execute(
        'A016',
        {
          ubrn: input.ubrn,
          version,
          serviceId: input.serviceId,
          nhsNumber: input.nhsNumber,
          action: 'book',
          slotId: slot.id,
          start: slot.start,
          end: slot.end,
        },
        signalOf(options),
      );
      const id = booked.resource?.['id'];
      return {
        outcome: 'booked',
        slot,
        appointmentId: typeof id === 'string' ? id : undefined,
        version: booked.output['version'],
      };
    } catch (error) {
      const taken = error instanceof ErsError && error.ersCodes.includes('SLOT_NOT_AVAILABLE');
      const stale = error instanceof ErsError && error.status === 409;
      if (!(taken || stale) || attempt >= attempts) throw error;
      if (stale) version = await read();
    }
  }
}
