import { EngineError } from '../../core/errors.js';
import { recoverAckTarget } from '../../formats/hl7v2/index.js';
import { reject, type FrameDeps } from './answer-frame.js';
import type { MllpEvent } from '../../formats/mllp/framing.js';

export type RefusedFrame =
  | Extract<MllpEvent, { kind: 'tooLarge' | 'unterminated' }>
  | {
      readonly kind: 'expired';
      readonly payload: Buffer;
      readonly error: EngineError;
      /** Only the frame's head was kept (refused for size). */
      readonly headOnly: boolean;
    };

/** The error a refused frame is answered and kept with. */
function errorOf(event: RefusedFrame, maxMessageBytes: number): EngineError {
  switch (event.kind) {
    case 'tooLarge':
      return new EngineError(
        'SOURCE_MESSAGE_TOO_LARGE',
        `the message is larger than ${maxMessageBytes} bytes`,
      );
    case 'unterminated':
      return new EngineError(
        'SOURCE_BAD_REQUEST',
        'the frame had no end block (FS CR); it was not accepted, send it again',
      );
    case 'expired':
      return event.error;
    default:
      return event satisfies never;
  }
}

/**
 * Keeps a frame the listener refused (too large, unterminated, past its deadline, cut off) as
 * ERROR with its NAK, so nothing a sender sent disappears without trace (DESIGN invariant 4). A
 * frame too large is kept as its first 4 KiB. Returns the NAK to send, when the frame's MSH-10
 * can be recovered (a NAK naming nothing would only confuse the sender).
 */
export async function keepRefusedFrame(
  event: RefusedFrame,
  deps: FrameDeps,
  maxMessageBytes: number,
): Promise<string | undefined> {
  const payload = event.kind === 'tooLarge' ? event.head : event.payload;
  const error = errorOf(event, maxMessageBytes);
  const target = recoverAckTarget(payload);
  deps.context.logger.warn(
    { code: error.code, controlId: target?.controlId, bytes: payload.length },
    'MLLP frame refused',
  );
  if (payload.length === 0) return undefined;
  const truncated = event.kind === 'tooLarge' || (event.kind === 'expired' && event.headOnly);
  const nak = await reject(payload, error, target, deps, {
    messageType: truncated ? 'TOO_LARGE' : 'UNTERMINATED',
    sourceMeta: { refused: event.kind, ...(truncated ? { truncated: true } : {}) },
  });
  return target === undefined || target.controlId === '' ? undefined : nak;
}
