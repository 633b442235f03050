import type { DestinationContext } from '../../core/plugins.js';
import { previousOutputs } from '../file/file-destination.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Pure: `over` laid on `under`, objects merged key by key (config organisation + message patient). */
export function mergeData(under: Json, over: Json): Json {
  const out: Json = { ...under };
  for (const [key, value] of Object.entries(over)) {
    const below = out[key];
    out[key] = isObject(below) && isObject(value) ? mergeData(below, value) : value;
  }
  return out;
}

/** The message's own data: the mapped inputs, or with no transformer the JSON body (as the ers
 * destination reads it). */
function messageData(ctx: Pick<DestinationContext, 'mapped' | 'message'>): Json {
  if (ctx.mapped.operation !== 'forward') return ctx.mapped.input;
  try {
    const body: unknown = JSON.parse(ctx.message.raw?.toString('utf8') ?? '');
    return isObject(body) ? body : {};
  } catch {
    return {};
  }
}

const digits = (v: unknown): string | undefined =>
  typeof v === 'string' || typeof v === 'number' ? String(v).replace(/\D/g, '') : undefined;

export interface LetterFacts {
  readonly data: Json;
  /** 12 digits, or undefined when neither an earlier destination nor the data has one. */
  readonly ubrn: string | undefined;
  /** 10 digits when the data has one. */
  readonly nhsNumber: string | undefined;
}

/**
 * Pure: the letter data (fixed config data, then the message's data, then the configured HL7
 * fields, then earlier destinations' outputs) and the UBRN — an earlier destination's (the referral just created) before the data's.
 */
export function letterFacts(
  fixed: Json,
  ctx: Pick<DestinationContext, 'mapped' | 'message' | 'previous'>,
  fromHl7: Json = {},
): LetterFacts {
  const outputs = previousOutputs(ctx.previous);
  const merged = [messageData(ctx), fromHl7, outputs].reduce(mergeData, fixed);
  const referral = isObject(merged['referral']) ? merged['referral'] : {};
  const patient = isObject(merged['patient']) ? merged['patient'] : {};
  const ubrn = [outputs['ubrn'], referral['ubrn'], merged['ubrn']]
    .map(digits)
    .find((u) => u?.length === 12);
  const nhsNumber = [merged['nhsNumber'], patient['nhsNumber']]
    .map(digits)
    .find((n) => n?.length === 10);
  return {
    data: ubrn === undefined ? merged : { ...merged, referral: { ...referral, ubrn } },
    ubrn,
    nhsNumber,
  };
}
