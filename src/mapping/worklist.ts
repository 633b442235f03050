/**
 * The items of an A008 worklist (a FHIR List, eRS-FetchWorklist-List-1) as flat records an
 * outbound template reads with `{{item.<name>}}`. Pure: the reply destination does the I/O.
 */
export interface WorklistItem {
  readonly ubrn: string;
  readonly nhsNumber: string;
  readonly priority: string;
  readonly serviceId: string;
  readonly version: string;
}

interface Extension {
  url?: string;
  extension?: Extension[];
  valueString?: string;
  /** The platform sends referralRequestVersion as an integer. */
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

export function worklistItems(resource: unknown): WorklistItem[] {
  const list = resource as
    | {
        entry?: { item?: { reference?: string }; extension?: Extension[] }[];
        contained?: Contained[];
      }
    | undefined;
  const entries = list?.entry;
  const contained = list?.contained ?? [];
  const items: WorklistItem[] = [];
  for (const e of entries ?? []) {
    const ubrn = /ReferralRequest\/(\d{12})/.exec(e.item?.reference ?? '')?.[1];
    if (ubrn === undefined) continue;
    // The item facts sit in one WorkListItem extension with sub-extensions by url.
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
    });
  }
  return items;
}
