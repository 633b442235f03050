import { DEFAULT_DELIMITERS, escapeHl7 } from '../formats/hl7v2/index.js';
import { isSeq, type Document, type Node } from 'yaml';
import type { MappingTop } from './file-schema.js';
import type { WorklistItem } from './worklist.js';
import { mapNode, nearestWord, valueNode } from './positions.js';
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

/**
 * What an e-RS destination's output holds (src/ers/readers: the standard reader, A008's and
 * A038's) and what the `then` step adds: the names `{{ers.<name>}}` may read.
 */
export const REPLY_ERS_NAMES = [
  'ubrn',
  'version',
  'attachmentUrl',
  'fileName',
  'appointmentId',
  'itemCount',
  'operation',
] as const;

/** What `{{item.<name>}}` may read in an outbound message (a worklist entry plus the run's facts). */
export const OUTBOUND_ITEM_NAMES = [
  'ubrn',
  'nhsNumber',
  'priority',
  'serviceId',
  'version',
  'specialty',
  'reason',
  'controlId',
  'now',
] as const satisfies readonly (keyof WorklistItem | 'controlId' | 'now')[];

/** The names each placeholder root may read: `{ ers: [...], input: [...] }`. */
export type PlaceholderNames = Readonly<Record<string, readonly string[]>>;

/** Compiles `"{{ers.ubrn}}"`-style text once; unknown roots and names are compile errors. */
export function compileTemplate(
  text: string,
  node: Node | undefined,
  issues: IssueList,
  names: PlaceholderNames,
): Template {
  const parts: Array<string | readonly string[]> = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    parts.push(text.slice(last, m.index));
    const inner = m[1] ?? '';
    const path = inner.split('.');
    const problem = placeholderProblem(path, names);
    if (problem !== undefined) issues.add(node, problem.message, problem.hint, m.index);
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

/** Why a placeholder cannot be rendered, with the nearest name it may have meant. */
function placeholderProblem(
  path: readonly string[],
  names: PlaceholderNames,
): { message: string; hint: string } | undefined {
  const roots = Object.keys(names);
  const all = Object.entries(names).flatMap(([root, list]) => list.map((n) => `${root}.${n}`));
  const text = path.join('.');
  const [root = '', name = ''] = path;
  const allowed = names[root];
  if (allowed !== undefined && path.length === 2 && allowed.includes(name)) return undefined;
  const near = nearestWord(text, all);
  const hint = near
    ? `did you mean ${near}?`
    : `a reply can use ${roots.map((r) => `{{${r}.<name>}}`).join(', ')}: ${all.join(', ')}`;
  if (allowed === undefined) return { message: `bad placeholder "{{${text}}}"`, hint };
  return {
    message: `placeholder "{{${text}}}" names nothing a reply can use (${root}.${name || '?'})`,
    hint,
  };
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
  inputNames: readonly string[],
): CompiledReply {
  const names: PlaceholderNames = { ers: REPLY_ERS_NAMES, input: inputNames };
  const fieldsNode = mapNode(doc.getIn(['reply', 'fields'], true));
  const fields = Object.entries(reply.fields ?? {}).map(([k, v]) => {
    const node = fieldsNode ? valueNode(fieldsNode, k) : undefined;
    if (!/^[A-Z][A-Z0-9]{2}-\d+(\.\d+)?$/.test(k))
      issues.add(node, `reply field "${k}" is not a field like MSA-3`, 'e.g. MSA-3 or ERR-8');
    return [k, compileTemplate(v, node, issues, names)] as const;
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
    return compileTemplate(s, segNodes[i], issues, names);
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
    return compileTemplate(s, nodes[i], issues, { item: OUTBOUND_ITEM_NAMES });
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
