import type { Hl7Message, Hl7Segment } from './message.js';

/**
 * Which fields a message populates and which of them a mapping read, so a mapping report can
 * list what it ignored. Paths are normalised without indexes: `PID-5.1` stands for component 1
 * of PID-5 in any repetition of any PID. A field whose values have no components is listed as
 * `PID-8`; components are listed when any repetition has more than one, sub-components likewise.
 */
export function listPopulatedFields(msg: Hl7Message): string[] {
  const seen = new Set<string>();
  for (const seg of msg.segments) addSegment(seen, msg, seg);
  return [...seen];
}

function addSegment(seen: Set<string>, msg: Hl7Message, seg: Hl7Segment): void {
  const d = msg.delimiters;
  const from = seg.isHeader ? 3 : 1;
  for (let f = from; f <= seg.fieldCount; f++) {
    const raw = seg.field(f);
    if (raw === '') continue;
    const base = `${seg.name}-${f}`;
    const reps = raw.split(d.repetition).map((r) => r.split(d.component));
    if (!reps.some((comps) => comps.length > 1 || (comps[0] ?? '').includes(d.subcomponent))) {
      seen.add(base);
      continue;
    }
    const width = Math.max(...reps.map((c) => c.length));
    for (let c = 0; c < width; c++) {
      const subs = reps.map((comps) => (comps[c] ?? '').split(d.subcomponent));
      if (!subs.some((s) => s.some((v) => v !== ''))) continue;
      if (!subs.some((s) => s.length > 1)) {
        seen.add(`${base}.${c + 1}`);
        continue;
      }
      const depth = Math.max(...subs.map((s) => s.length));
      for (let s = 0; s < depth; s++) {
        if (subs.some((list) => (list[s] ?? '') !== '')) seen.add(`${base}.${c + 1}.${s + 1}`);
      }
    }
  }
}

/** Normalised paths read through compiled paths on this message. */
export function listReadFields(msg: Hl7Message): string[] {
  return [...msg.reads];
}

function covers(read: string, populated: string): boolean {
  return read === populated || populated.startsWith(`${read}.`) || read.startsWith(`${populated}.`);
}

/** Populated fields that no path read (MSH is left out: it is the envelope). */
export function listUnreadFields(msg: Hl7Message): string[] {
  const reads = [...msg.reads];
  return listPopulatedFields(msg).filter(
    (p) => !p.startsWith('MSH-') && !reads.some((r) => covers(r, p)),
  );
}
