import type { Answer } from '../operations/types.js';

/**
 * The items of an A008 worklist (a FHIR List, eRS-FetchWorklist-List-1), for every list type:
 * each entry's facts sit in one `…-WorkListItem-1` extension with sub-extensions by url.
 * `referralRequestVersion` arrives as valueInteger on the platform (valueString is read too).
 */
export interface WorklistItem {
  readonly ubrn: string;
  readonly nhsNumber: string;
  readonly priority: string;
  readonly serviceId: string;
  readonly version: string;
  readonly specialty: string;
  readonly reason: string;
}

interface Extension {
  url?: string;
  extension?: Extension[];
  valueString?: string;
  valueInteger?: number;
  valueCodeableConcept?: { coding?: { code?: string }[] };
  valueReference?: { reference?: string; identifier?: { value?: string } };
}

interface Contained {
  id?: string;
  identifier?: { value?: string }[];
}

/** A fact's value; `#Patient-…` references are read from the List's contained resources. */
function valueOf(ext: Extension | undefined, contained: readonly Contained[]): string {
  if (ext === undefined) return '';
  const ref = ext.valueReference?.reference;
  const local = ref?.startsWith('#')
    ? contained.find((c) => c.id === ref.slice(1))?.identifier?.[0]?.value
    : undefined;
  if (typeof ext.valueInteger === 'number') return String(ext.valueInteger);
  return (
    ext.valueString ??
    ext.valueCodeableConcept?.coding?.[0]?.code ??
    ext.valueReference?.identifier?.value ??
    local ??
    ''
  );
}

/** Pure: the worklist's items (entries that are not referrals are skipped). */
export function worklistItems(resource: unknown): WorklistItem[] {
  const list = resource as
    | {
        entry?: { item?: { reference?: string }; extension?: Extension[] }[];
        contained?: Contained[];
      }
    | undefined;
  const contained = list?.contained ?? [];
  const items: WorklistItem[] = [];
  for (const e of list?.entry ?? []) {
    const ubrn = /ReferralRequest\/(\d{12})/.exec(e.item?.reference ?? '')?.[1];
    if (ubrn === undefined) continue;
    const facts = (e.extension ?? []).flatMap((x) => x.extension ?? []);
    const fact = (url: string): string =>
      valueOf(
        facts.find((f) => f.url === url),
        contained,
      );
    items.push({
      ubrn,
      nhsNumber: fact('patient'),
      priority: fact('priority'),
      serviceId: fact('service'),
      version: fact('referralRequestVersion'),
      specialty: fact('specialty'),
      reason: fact('reason'),
    });
  }
  return items;
}

/** The A008 answer reader: how many items the list holds (the items: `worklistItems`). */
export const readWorklist = (answer: Answer): Record<string, string> => ({
  itemCount: String(worklistItems(answer.resource).length),
});
