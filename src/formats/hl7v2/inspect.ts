import { fieldName, SEGMENT_NAMES } from './field-names.js';
import { unescapeHl7 } from './escape.js';
import { HL7_NULL, type Hl7Message } from './message.js';

const MAX_VALUE = 120;

function show(value: string): string {
  const v = value === HL7_NULL ? '"" (null: delete)' : value.replace(/\n/g, '⏎');
  return v.length > MAX_VALUE ? `${v.slice(0, MAX_VALUE)}… (${v.length} chars)` : v;
}

/**
 * The parsed tree of a message, one line per populated field, repetition, component and
 * sub-component, each with its path and (when known) its name — for people, not machines.
 */
export function formatHl7Tree(msg: Hl7Message): string {
  const d = msg.delimiters;
  const out: string[] = [
    `${msg.messageType} ${msg.controlId} (HL7 ${msg.version}, ${msg.encoding})`,
  ];
  for (const seg of msg.segments) {
    const occ = msg.all(seg.name).length > 1 ? `[${seg.occurrence}]` : '';
    out.push(
      `${seg.name}${occ}${SEGMENT_NAMES[seg.name] === undefined ? '' : `  ${SEGMENT_NAMES[seg.name]}`}`,
    );
    for (let f = 1; f <= seg.fieldCount; f++) {
      const raw = seg.field(f);
      if (raw === '') continue;
      const path = `${seg.name}${occ}-${f}`;
      const label = `  ${path.padEnd(9)} ${(fieldName(seg.name, f) ?? '').padEnd(32)} `;
      if (seg.isHeader && f <= 2) {
        out.push(label + raw);
        continue;
      }
      out.push(label + show(raw));
      const reps = raw.split(d.repetition);
      reps.forEach((rep, r) => {
        const repPath = reps.length > 1 ? `${path}[${r + 1}]` : path;
        const comps = rep.split(d.component);
        if (reps.length > 1) out.push(`    ${repPath}  ${show(rep)}`);
        if (comps.length === 1 && !rep.includes(d.subcomponent)) {
          if (rep.includes(d.escape))
            out.push(`      decoded  ${show(unescapeHl7(rep, d, msg.encoding))}`);
          return;
        }
        comps.forEach((comp, c) => {
          if (comp === '') return;
          const subs = comp.split(d.subcomponent);
          out.push(
            `      ${repPath}.${c + 1}  ${show(subs.length > 1 ? comp : unescapeHl7(comp, d, msg.encoding))}`,
          );
          if (subs.length > 1) {
            subs.forEach((s, i) => {
              if (s !== '')
                out.push(
                  `        ${repPath}.${c + 1}.${i + 1}  ${show(unescapeHl7(s, d, msg.encoding))}`,
                );
            });
          }
        });
      });
    }
  }
  return out.join('\n');
}
