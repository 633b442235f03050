import { ERROR_CATALOGUE, type ErrorCode } from '../../core/error-codes.js';
import { EngineError } from '../../core/errors.js';
import type { MessageOutcome } from '../../core/plugins.js';
import {
  ackCodeFor,
  ackModeOf,
  buildAck,
  type AckLevel,
  type AckTarget,
} from '../../formats/hl7v2/index.js';

/** What a reply destination may ask to be merged into the application ACK (`output.ack`). */
export interface AckContribution {
  readonly fields?: Record<string, string>;
  readonly segments?: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Collects `destinationResults[*].output.ack` in destination order. */
export function ackContributions(outcome: MessageOutcome): AckContribution {
  const fields: Record<string, string> = {};
  const segments: string[] = [];
  for (const result of Object.values(outcome.destinationResults)) {
    if (!isRecord(result) || !isRecord(result.output) || !isRecord(result.output.ack)) continue;
    const ack = result.output.ack;
    if (isRecord(ack.fields)) {
      for (const [k, v] of Object.entries(ack.fields)) if (typeof v === 'string') fields[k] = v;
    }
    if (Array.isArray(ack.segments)) {
      for (const s of ack.segments) if (typeof s === 'string') segments.push(s);
    }
  }
  return { fields, segments };
}

/** The stored error of an outcome as an EngineError, so the catalogue decides AE or AR. */
export function outcomeError(outcome: MessageOutcome): EngineError | undefined {
  if (outcome.status === 'SENT' || outcome.status === 'FILTERED') return undefined;
  const e = outcome.error;
  const code = (
    e !== null && e.code in ERROR_CATALOGUE ? e.code : 'ENGINE_UNEXPECTED'
  ) as ErrorCode;
  return new EngineError(code, e?.message ?? `message ended ${outcome.status}`, {
    ...(e?.at === undefined ? {} : { at: e.at }),
  });
}

export interface ReplyOptions {
  readonly controlId: string;
  readonly now: number;
}

/** A commit-level ACK (AA in original mode, CA/CE/CR in enhanced mode), or a NAK for an error. */
export function commitReply(
  target: AckTarget,
  options: ReplyOptions & { error?: EngineError },
): string {
  const level: AckLevel = 'commit';
  const code = ackCodeFor({ mode: ackModeOf(target), level, error: options.error });
  return buildAck(target, {
    code,
    controlId: options.controlId,
    now: options.now,
    ...(options.error === undefined ? {} : { errors: [options.error] }),
  });
}

/** An application ACK built from the engine's outcome, with reply destinations' contributions. */
export function applicationReply(
  target: AckTarget,
  outcome: MessageOutcome,
  options: ReplyOptions,
): string {
  const error = outcomeError(outcome);
  const code = ackCodeFor({ mode: ackModeOf(target), level: 'application', error });
  const extra = ackContributions(outcome);
  return buildAck(target, {
    code,
    controlId: options.controlId,
    now: options.now,
    ...(error === undefined ? {} : { errors: [error] }),
    ...(extra.fields === undefined ? {} : { fields: extra.fields }),
    ...(extra.segments === undefined ? {} : { segments: extra.segments }),
  });
}
