import { createHash } from 'node:crypto';
import { EngineError, type SerializedError } from '../core/errors.js';
import type { NewMessage } from '../core/store-types.js';

/** Pure: the content half of the dedup key — the source's own hash, else SHA-256 of the body. */
export function contentHashOf(m: Pick<NewMessage, 'raw' | 'contentHash'>): string {
  return m.contentHash ?? createHash('sha256').update(m.raw).digest('hex');
}

/** Pure: the event detail that marks a reused control id (both stores write the same). */
export function reuseEventDetail(firstId: number, refused: boolean): Record<string, unknown> {
  return { warning: 'CONTROL_ID_REUSED', firstId, refused };
}

/** Pure: the stored error of a reused control id refused by the channel's policy. */
export function reuseError(firstId: number): SerializedError {
  return new EngineError(
    'CONTROL_ID_REUSED',
    'this control id was used before with different content (context.firstId); the channel refuses reused ids (controlIdReuse: refuse)',
    { at: 'MSH-10', context: { firstId } },
  ).toJSON();
}

export const reuseRefused = (m: Pick<NewMessage, 'onControlIdReuse'>): boolean =>
  m.onControlIdReuse === 'refuse';
