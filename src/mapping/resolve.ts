import type { Node } from 'yaml';
import { EngineError } from '../core/errors.js';
import { referrerLetters } from '../ers/flows/referral-letters.js';
import type { ResolveSpec } from './file-schema.js';
import type { InputField } from './operations.js';
import type { IssueList } from './positions.js';

/**
 * Inputs e-RS knows at send time: the referral's current version (A005) and a free slot (A015).
 * Where the message already carries them (the PAS had the e-RS slot id and the version it last
 * saw), those are sent and e-RS is not asked; otherwise the ers destination reads e-RS just before
 * the call (so a retry reads again) and `resolveInputs` applies the rule to the answers — pure, so
 * the golden runner can apply it to recorded answers (`samples/<id>/ers-answers.json`).
 */
export interface CompiledResolve {
  readonly version: boolean;
  /** A012: `keep` sends the referral's current letters (A005) with the new files. */
  readonly letters?: 'keep' | 'replace';
  readonly slotRule?: 'same-start' | 'earliest';
  /** A015 paging: slots a page (`_count`) and the most pages read. */
  readonly slotPages?: { readonly pageSize: number; readonly maxPages: number };
  /** The logical inputs the resolution fills. */
  readonly names: readonly string[];
  /** Lineage of each filled input, e.g. `ers:A005 → meta.versionId`. */
  readonly lineage: Readonly<Record<string, string>>;
}

/**
 * Recorded or live e-RS answers, by operation id (`A005`: ReferralRequest, `A015`: Bundle;
 * `A008`: the worklist List an outbound reply renders, in golden samples).
 */
export type ErsAnswers = Readonly<Partial<Record<'A005' | 'A015' | 'A008', unknown>>>;

export function compileResolve(
  spec: ResolveSpec,
  fields: ReadonlyMap<string, InputField> | undefined,
  operation: string,
  node: Node | undefined,
  issues: IssueList,
): CompiledResolve | undefined {
  const names: string[] = [];
  const lineage: Record<string, string> = {};
  const needs = (what: string, inputs: readonly string[]): boolean => {
    const missing = inputs.filter((i) => fields !== undefined && !fields.has(i));
    if (missing.length > 0)
      issues.add(
        node,
        `resolve ${what}: operation ${operation} has no input ${missing.join(', ')}`,
        'resolve fills inputs the operation has (version: A012–A016, A022; slot: A016)',
      );
    return missing.length === 0;
  };
  if (spec.version !== undefined && needs('version', ['version', 'ubrn'])) {
    names.push('version');
    lineage['version'] = 'ers:A005 → meta.versionId';
  }
  if (spec.letters === 'keep' && needs('letters', ['files', 'ubrn'])) {
    names.push('files');
    lineage['files'] = 'ers:A005 → current letters kept';
  }
  if (spec.slot !== undefined && needs('slot', ['slotId', 'start', 'end', 'serviceId'])) {
    for (const n of ['slotId', 'start', 'end']) {
      names.push(n);
      lineage[n] = `ers:A015 → slot rule ${spec.slot.rule}`;
    }
  }
  if (names.length === 0 && spec.letters === undefined) return undefined;
  return {
    version: spec.version !== undefined,
    ...(spec.letters ? { letters: spec.letters } : {}),
    ...(spec.slot
      ? {
          slotRule: spec.slot.rule,
          slotPages: { pageSize: spec.slot.pageSize, maxPages: spec.slot.maxPages },
        }
      : {}),
    names,
    lineage,
  };
}

interface SlotView {
  readonly id: string;
  readonly start: string;
  readonly end: string;
}

/** The free slots of an A015 Bundle. */
export function freeSlots(bundle: unknown): SlotView[] {
  const entries = (bundle as { entry?: { resource?: Record<string, unknown> }[] } | undefined)
    ?.entry;
  const out: SlotView[] = [];
  for (const e of entries ?? []) {
    const r = e.resource;
    if (r?.['resourceType'] !== 'Slot' || (r['status'] ?? 'free') !== 'free') continue;
    const { id, start, end } = r;
    if (typeof id === 'string' && typeof start === 'string' && typeof end === 'string')
      out.push({ id, start, end });
  }
  return out;
}

/** Pure: the slot the rule picks, or why none fits. */
export function chooseSlot(
  rule: 'same-start' | 'earliest',
  slots: readonly SlotView[],
  wantedStart: unknown,
): SlotView | string {
  const byTime = [...slots].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  switch (rule) {
    case 'earliest':
      return byTime[0] ?? 'A015 returned no free slot';
    case 'same-start': {
      if (typeof wantedStart !== 'string') return 'slot rule same-start needs the input start';
      const at = Date.parse(wantedStart);
      return (
        byTime.find((s) => Date.parse(s.start) === at) ??
        `no free slot starts at ${wantedStart} (${slots.length} free slots)`
      );
    }
  }
}

/**
 * Pure: e-RS refused the call because the version sent is not the referral's current one — 409
 * Conflict in the spec (412 Precondition Failed means mandatory data such as If-Match is
 * missing: reading again would not help).
 */
export const isVersionConflict = (error: unknown): boolean =>
  error instanceof EngineError && error.code === 'ERS_CONFLICT' && error.context['status'] === 409;

/** Pure: the message carries the referral version (digits), so A005 need not be asked for it. */
export const suppliedVersion = (input: Readonly<Record<string, unknown>>): boolean =>
  typeof input['version'] === 'string' && /^\d+$/.test(input['version']);

/** Pure: the message carries the e-RS slot id, so A015 need not be searched. */
export const suppliedSlot = (input: Readonly<Record<string, unknown>>): boolean =>
  typeof input['slotId'] === 'string' && input['slotId'] !== '';

/**
 * Pure: the lineage of the inputs resolving fills — the rule's own where the message carried
 * the value (a PAS-supplied version or slot), else e-RS's (after the rule's, for a wish such as
 * the booked start that the slot rule matches).
 */
export function resolvedLineage(
  resolve: CompiledResolve,
  sent: Readonly<Record<string, unknown>>,
  lineage: Readonly<Record<string, string>>,
): Record<string, string> {
  const fromMessage = new Set([
    ...(suppliedVersion(sent) ? ['version'] : []),
    ...(resolve.slotRule !== undefined && suppliedSlot(sent) ? ['slotId', 'start', 'end'] : []),
  ]);
  const out: Record<string, string> = { ...lineage };
  for (const name of resolve.names) {
    if (fromMessage.has(name) && lineage[name] !== undefined) continue;
    const resolved = resolve.lineage[name] ?? 'ers';
    out[name] = name in sent ? `${lineage[name] ?? 'input'} → ${resolved}` : resolved;
  }
  return out;
}

/** Pure: which e-RS reads resolving these inputs needs (A005 referral, A015 slot search). */
export function readsFor(
  resolve: CompiledResolve,
  input: Readonly<Record<string, unknown>>,
): { readonly referral: boolean; readonly slots: boolean } {
  const slots = resolve.slotRule !== undefined && !suppliedSlot(input);
  // A015 needs the referral's priority and Commissioning-Rule-Org, so a slot search reads A005.
  const referral =
    (resolve.version && !suppliedVersion(input)) || resolve.letters === 'keep' || slots;
  return { referral, slots };
}

/**
 * Pure: whether another A015 page must be read — the rule has not found its slot yet in the
 * pages read so far, e-RS says there is a next page, and the page limit is not reached.
 */
export function wantsNextPage(
  resolve: CompiledResolve,
  pages: readonly unknown[],
  wantedStart: unknown,
): boolean {
  const last = pages.at(-1) as { link?: { relation?: string }[] } | undefined;
  if (pages.length >= (resolve.slotPages?.maxPages ?? 1)) return false;
  if (!(last?.link ?? []).some((l) => l.relation === 'next')) return false;
  if (resolve.slotRule === 'same-start')
    return typeof chooseSlot('same-start', freeSlots(mergePages(pages)), wantedStart) === 'string';
  return true;
}

/** Pure: the A015 pages read as one Bundle (their entries in page order). */
export function mergePages(pages: readonly unknown[]): unknown {
  const entry = pages.flatMap(
    (p) => (p as { entry?: unknown[] } | undefined)?.entry ?? ([] as unknown[]),
  );
  return { resourceType: 'Bundle', type: 'searchset', entry };
}

/**
 * Pure: the inputs with what e-RS told filled in, keeping a version or slot the message already
 * carries; throws MAP_RESOLVE_FAILED when it cannot.
 */
export function resolveInputs(
  resolve: CompiledResolve,
  input: Readonly<Record<string, unknown>>,
  answers: ErsAnswers,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...input };
  if (resolve.version && !suppliedVersion(input)) {
    const version = (answers.A005 as { meta?: { versionId?: unknown } } | undefined)?.meta
      ?.versionId;
    if (typeof version !== 'string' || !/^\d+$/.test(version))
      throw new EngineError('MAP_RESOLVE_FAILED', 'A005 returned no referral version', {
        at: 'version',
      });
    out['version'] = version;
  }
  if (resolve.letters === 'keep') out['files'] = keptLetters(answers.A005, input['files']);
  if (resolve.slotRule !== undefined && !suppliedSlot(input)) {
    const slot = chooseSlot(resolve.slotRule, freeSlots(answers.A015), input['start']);
    if (typeof slot === 'string')
      throw new EngineError('MAP_RESOLVE_FAILED', slot, { at: 'slotId' });
    out['slotId'] = slot.id;
    out['start'] = slot.start;
    out['end'] = slot.end;
  }
  return out;
}

interface LetterFile {
  readonly url: string;
  readonly [key: string]: unknown;
}

const filesOf = (value: unknown): LetterFile[] =>
  (Array.isArray(value) ? value : []).filter(
    (f): f is LetterFile => typeof (f as { url?: unknown } | null)?.url === 'string',
  );

interface DocumentReferenceView {
  readonly resourceType?: string;
  readonly indexed?: string;
  readonly description?: string;
  readonly type?: { coding?: { code?: string }[] };
  readonly content?: { attachment?: { url?: string } }[];
}

/** The referral's referrer letters as A005 lists them: url, description and when indexed. */
function currentLetters(referral: unknown): LetterFile[] {
  const contained = (referral as { contained?: DocumentReferenceView[] } | undefined)?.contained;
  const byUrl = new Map(
    (contained ?? []).map((d) => [d.content?.[0]?.attachment?.url ?? '', d] as const),
  );
  return referrerLetters(referral).map((l) => {
    const indexed = byUrl.get(l.url)?.indexed;
    return {
      url: l.url,
      description: l.description === '' ? 'Referral letter' : l.description.slice(0, 200),
      // Each letter keeps the time it was indexed, not the new letter's.
      ...(typeof indexed === 'string' ? { indexed } : {}),
    };
  });
}

/**
 * Pure: the letter set A012 must send so that nothing is detached — the referral's current
 * referrer letters (as A005 lists them, in its order) and then the new files not already on it.
 */
export function keptLetters(referral: unknown, added: unknown): LetterFile[] {
  const current = currentLetters(referral);
  const on = new Set(current.map((f) => f.url));
  return [...current, ...filesOf(added).filter((f) => !on.has(f.url))];
}

/**
 * Pure: true when every new file is already among the referral's letters (an earlier attempt
 * linked them, or e-RS attached the upload itself) — the A012 call would change nothing.
 */
export function lettersAlreadyLinked(
  resolve: CompiledResolve | undefined,
  input: Readonly<Record<string, unknown>>,
  answers: ErsAnswers,
): boolean {
  if (resolve?.letters !== 'keep') return false;
  const added = filesOf(input['files']);
  const on = new Set(referrerLetters(answers.A005).map((l) => l.url));
  return added.length > 0 && added.every((f) => on.has(f.url));
}

/** What the golden runner and `mapping run` use when no answers were recorded. */
export function standInAnswers(input: Readonly<Record<string, unknown>>): ErsAnswers {
  const start = typeof input['start'] === 'string' ? input['start'] : '2000-01-01T00:00:00Z';
  const end = typeof input['end'] === 'string' ? input['end'] : start;
  return {
    A005: { resourceType: 'ReferralRequest', meta: { versionId: '1' } },
    A015: {
      resourceType: 'Bundle',
      entry: [{ resource: { resourceType: 'Slot', id: '0', status: 'free', start, end } }],
    },
  };
}
