import { DEFAULT_DELIMITERS, escapeHl7 } from '../formats/hl7v2/index.js';
import { isSeq, type Document, type Node } from 'yaml';
import type { MappingTop } from './file-schema.js';
import { mapNode, valueNode } from './positions.js';
import type { IssueList } from './positions.js';

/** What a reply template may read: the e-RS destination's output and the logical inputs. */
export interface ReplyScope {
  readonly ers: Readonly<Record<string, unknown>>;
  readonly input: Readonly<Record<string, unknown>>;
  /** One item of the e-RS answer, for outbound messages. */
  readonly item?: Readonly<Record<string, unknown>>;
}

export type Template = (scope: ReplyScope) => string;

export interface CompiledReply {
  readonly fields: ReadonlyArray<readonly [string, Template]>;
  readonly segments: readonly Template[];
  readonly outbound?: CompiledOutbound;
}

/** One outbound HL7 message per item of the e-RS answer; `{{item.<name>}}` placeholders. */
export interface CompiledOutbound {
  readonly segments: readonly Template[];
  /** Send each item once (checkpointed by this item key). */
  readonly once?: 'ubrn';
}

export interface AckReply {
  readonly fields: Record<string, string>;
  readonly segments: string[];
}

const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;
const ROOTS = ['ers', 'input'] as const;

/** Compiles `"{{ers.ubrn}}"`-style text once; unknown roots are compile errors. */
export function compileTemplate(
  text: string,
  node: Node | undefined,
  issues: IssueList,
  roots: readonly string[] = ROOTS,
): Template {
  const parts: Array<string | readonly string[]> = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    parts.push(text.slice(last, m.index));
    const inner = m[1] ?? '';
    const path = inner.split('.');
    if (!roots.includes(path[0] ?? '') || path.length < 2 || path.some((p) => !/^\w+$/.test(p)))
      issues.add(
        node,
        `bad placeholder "{{${m[1]}}}"`,
        roots.includes('item')
          ? 'use {{item.<name>}}: ubrn, nhsNumber, priority, serviceId, version, controlId, now'
          : 'use {{ers.ubrn}}, {{ers.version}} or {{input.<name>}}',
        m.index,
      );
    parts.push(path);
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return (scope) =>
    parts
      .map((p) => {
        if (typeof p === 'string') return p;
        let v: unknown = scope;
        for (const step of p)
          v =
            v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[step] : undefined;
        // Values are escaped (a `|` in a value must not split the segment); lists become repetitions.
        const list = Array.isArray(v) ? (v as unknown[]) : v === undefined || v === null ? [] : [v];
        return list
          .map((x) => escapeHl7(String(x), DEFAULT_DELIMITERS))
          .join(DEFAULT_DELIMITERS.repetition);
      })
      .join('');
}

export function renderReply(reply: CompiledReply, scope: ReplyScope): AckReply {
  return {
    fields: Object.fromEntries(reply.fields.map(([k, t]) => [k, t(scope)])),
    segments: reply.segments.map((t) => t(scope)),
  };
}

/** Compiles the `reply` section: field names like MSA-3, segments starting `XXX|`, templates. */
export function compileReply(
  reply: NonNullable<MappingTop['reply']>,
  doc: Document,
  issues: IssueList,
): CompiledReply {
  const fieldsNode = mapNode(doc.getIn(['reply', 'fields'], true));
  const fields = Object.entries(reply.fields ?? {}).map(([k, v]) => {
    const node = fieldsNode ? valueNode(fieldsNode, k) : undefined;
    if (!/^[A-Z][A-Z0-9]{2}-\d+(\.\d+)?$/.test(k))
      issues.add(node, `reply field "${k}" is not a field like MSA-3`, 'e.g. MSA-3 or ERR-8');
    return [k, compileTemplate(v, node, issues)] as const;
  });
  const segs = doc.getIn(['reply', 'segments'], true);
  const segNodes = isSeq(segs) ? (segs.items as Node[]) : [];
  const segments = (reply.segments ?? []).map((s, i) => {
    if (!/^[A-Z][A-Z0-9]{2}\|/.test(s))
      issues.add(
        segNodes[i],
        `reply segment "${s.slice(0, 10)}…" does not start with a segment id and "|"`,
        'e.g. "ZRF|1|{{ers.ubrn}}"',
      );
    return compileTemplate(s, segNodes[i], issues);
  });
  const outbound = reply.outbound && compileOutbound(reply.outbound, doc, issues);
  return { fields, segments, ...(outbound ? { outbound } : {}) };
}

function compileOutbound(
  spec: NonNullable<NonNullable<MappingTop['reply']>['outbound']>,
  doc: Document,
  issues: IssueList,
): CompiledOutbound {
  const segs = doc.getIn(['reply', 'outbound', 'segments'], true);
  const nodes = isSeq(segs) ? (segs.items as Node[]) : [];
  if (!spec.segments[0]?.startsWith('MSH|'))
    issues.add(nodes[0], 'an outbound message starts with its MSH segment', 'e.g. "MSH|^~\\&|…"');
  const segments = spec.segments.map((s, i) => {
    if (!/^[A-Z][A-Z0-9]{2}\|/.test(s))
      issues.add(
        nodes[i],
        `outbound segment "${s.slice(0, 10)}…" does not start with a segment id and "|"`,
      );
    return compileTemplate(s, nodes[i], issues, ['item']);
  });
  return { segments, ...(spec.once ? { once: spec.once } : {}) };
}

/** Pure: the HL7 text of one outbound message for one item (segments joined with CR). */
export function renderOutbound(
  outbound: CompiledOutbound,
  item: Readonly<Record<string, unknown>>,
): string {
  return outbound.segments.map((t) => t({ ers: {}, input: {}, item })).join('\r');
}
