/**
 * MLLP framing (HL7 v2.5.1 appendix C): <VT> message <FS><CR>. The decoder is pure: it takes TCP
 * reads as they come (a frame split over many reads, or many frames in one) and returns events.
 * Bytes outside a frame are counted as garbage and skipped; a start block inside a frame means
 * the frame before it never ended (VT cannot occur in HL7 text).
 */
export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;

export type MllpEvent =
  | { readonly kind: 'frame'; readonly payload: Buffer }
  /** A new start block arrived before this frame's end block: the frame is incomplete. */
  | { readonly kind: 'unterminated'; readonly payload: Buffer }
  | { readonly kind: 'garbage'; readonly bytes: number }
  /** The frame passed maxMessageBytes; `head` is its start, to recover a control id. */
  | { readonly kind: 'tooLarge'; readonly head: Buffer };

const HEAD_BYTES = 4096;

export class MllpDecoder {
  private chunks: Buffer[] = [];
  private size = 0;
  private inFrame = false;
  private discarding = false;
  /** An FS ended the last chunk: a CR at the start of the next read belongs to it. */
  private skipCr = false;

  constructor(private readonly maxMessageBytes: number) {}

  /** Bytes of the frame being received (for idle/close reporting). */
  get pending(): number {
    return this.size;
  }

  get inMessage(): boolean {
    return this.inFrame;
  }

  /**
   * Gives up the frame being received (its deadline passed, the connection closed, or the
   * listener's buffer budget ran out) and returns what arrived of it, at most maxMessageBytes
   * (or its first 4 KiB with `headOnly`).
   */
  abandon(headOnly = false): Buffer {
    const payload = this.discarding
      ? Buffer.alloc(0)
      : headOnly
        ? headOf(this.chunks)
        : Buffer.concat(this.chunks);
    this.inFrame = false;
    this.discarding = false;
    this.chunks = [];
    this.size = 0;
    return payload;
  }

  push(chunk: Buffer): MllpEvent[] {
    const events: MllpEvent[] = [];
    let pos = 0;
    if (this.skipCr && chunk.length > 0) {
      if (chunk[0] === CR) pos = 1;
      this.skipCr = false;
    }
    while (pos < chunk.length) {
      if (!this.inFrame) {
        const start = chunk.indexOf(VT, pos);
        const garbage = (start === -1 ? chunk.length : start) - pos;
        if (garbage > 0 && !isWhitespace(chunk, pos, pos + garbage))
          events.push({ kind: 'garbage', bytes: garbage });
        if (start === -1) break;
        this.begin();
        pos = start + 1;
        continue;
      }
      const end = chunk.indexOf(FS, pos);
      const restart = chunk.indexOf(VT, pos);
      if (restart !== -1 && (end === -1 || restart < end)) {
        this.append(chunk.subarray(pos, restart), events);
        if (!this.discarding) events.push({ kind: 'unterminated', payload: this.take() });
        this.begin();
        pos = restart + 1;
        continue;
      }
      if (end === -1) {
        this.append(chunk.subarray(pos), events);
        break;
      }
      this.append(chunk.subarray(pos, end), events);
      if (!this.discarding) events.push({ kind: 'frame', payload: this.take() });
      this.inFrame = false;
      this.discarding = false;
      this.chunks = [];
      this.size = 0;
      pos = end + 1;
      if (pos < chunk.length) {
        if (chunk[pos] === CR) pos++;
      } else this.skipCr = true;
    }
    return events;
  }

  private begin(): void {
    this.inFrame = true;
    this.discarding = false;
    this.chunks = [];
    this.size = 0;
  }

  private append(part: Buffer, events: MllpEvent[]): void {
    if (this.discarding || part.length === 0) return;
    this.size += part.length;
    this.chunks.push(part);
    // A trickle of tiny reads would hold one Buffer object (and its read buffer) per read.
    if (this.chunks.length >= 256) this.chunks = [Buffer.concat(this.chunks)];
    if (this.size > this.maxMessageBytes) {
      // A copy of the head only, so the refused frame's memory is released at once.
      events.push({ kind: 'tooLarge', head: headOf(this.chunks) });
      this.discarding = true;
      this.chunks = [];
      this.size = 0;
    }
  }

  private take(): Buffer {
    const payload =
      this.chunks.length === 1 ? Buffer.from(this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    this.chunks = [];
    this.size = 0;
    return payload;
  }
}

function headOf(chunks: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  for (const c of chunks) {
    if (size >= HEAD_BYTES) break;
    parts.push(c.subarray(0, HEAD_BYTES - size));
    size += Math.min(c.length, HEAD_BYTES - size);
  }
  return Buffer.concat(parts);
}

function isWhitespace(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const b = buf[i];
    if (b !== CR && b !== 0x0a && b !== 0x20) return false;
  }
  return true;
}

/** Wraps a message in MLLP start and end blocks. */
export function frameMllp(payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const out = Buffer.allocUnsafe(body.length + 3);
  out[0] = VT;
  body.copy(out, 1);
  out[body.length + 1] = FS;
  out[body.length + 2] = CR;
  return out;
}
