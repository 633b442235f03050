/**
 * Admission and expiry rules of the MLLP listener, pure so they can be reasoned about alone:
 * connections per remote address and in total, an idle timeout counted from the last complete
 * frame (bytes alone do not keep a connection alive) and a deadline for each frame.
 */

export interface ConnectionState {
  readonly address: string;
  /** When the connection opened or last completed a frame or an answer. */
  readonly lastFrameAt: number;
  /** When the frame being received started; undefined between frames. */
  readonly frameStartedAt: number | undefined;
  /** Frames received and not yet answered. */
  readonly queued: number;
}

export interface Limits {
  readonly maxConnections: number;
  readonly maxConnectionsPerAddress: number;
  readonly idleTimeoutMs: number;
  readonly frameTimeoutMs: number;
}

export type Admission =
  | { readonly kind: 'admit' }
  /** At a limit: the longest-idle connection (of the same address, at its limit) makes room. */
  | { readonly kind: 'evict'; readonly victim: ConnectionState }
  | { readonly kind: 'refuse'; readonly reason: 'perAddress' | 'total' };

/** Only a connection with nothing to answer may be evicted: no ACK is ever lost to make room. */
function longerIdle(victim: ConnectionState | undefined, c: ConnectionState): boolean {
  return c.queued === 0 && (victim === undefined || c.lastFrameAt < victim.lastFrameAt);
}

/**
 * Whether a new connection from `address` may join the ones open now. A full address makes
 * room among its own connections, so a flood from one address (even the PAS's own) never locks
 * out a new connection there, and never touches another address's connections; a full listener
 * makes room among all of them.
 */
export function admit(
  address: string,
  open: Iterable<ConnectionState>,
  limits: Pick<Limits, 'maxConnections' | 'maxConnectionsPerAddress'>,
): Admission {
  let total = 0;
  let fromAddress = 0;
  let victim: ConnectionState | undefined;
  let sameAddressVictim: ConnectionState | undefined;
  for (const c of open) {
    total++;
    if (longerIdle(victim, c)) victim = c;
    if (c.address !== address) continue;
    fromAddress++;
    if (longerIdle(sameAddressVictim, c)) sameAddressVictim = c;
  }
  if (fromAddress >= limits.maxConnectionsPerAddress) {
    return sameAddressVictim === undefined
      ? { kind: 'refuse', reason: 'perAddress' }
      : { kind: 'evict', victim: sameAddressVictim };
  }
  if (total < limits.maxConnections) return { kind: 'admit' };
  return victim === undefined ? { kind: 'refuse', reason: 'total' } : { kind: 'evict', victim };
}

export const Expiry = { none: 'none', idle: 'idle', frameDeadline: 'frameDeadline' } as const;
export type Expiry = (typeof Expiry)[keyof typeof Expiry];

/** What the sweep does with one connection at `now`. */
export function expiryOf(c: ConnectionState, now: number, limits: Limits): Expiry {
  if (c.frameStartedAt !== undefined) {
    return limits.frameTimeoutMs > 0 && now - c.frameStartedAt > limits.frameTimeoutMs
      ? 'frameDeadline'
      : 'none';
  }
  if (c.queued > 0 || limits.idleTimeoutMs === 0) return 'none';
  return now - c.lastFrameAt > limits.idleTimeoutMs ? 'idle' : 'none';
}

/** How often the sweep runs: often enough to honour the shorter timeout within a quarter of it. */
export function sweepIntervalMs(limits: Pick<Limits, 'idleTimeoutMs' | 'frameTimeoutMs'>): number {
  const timeouts = [limits.idleTimeoutMs, limits.frameTimeoutMs].filter((t) => t > 0);
  if (timeouts.length === 0) return 1000;
  return Math.max(20, Math.min(1000, Math.floor(Math.min(...timeouts) / 4)));
}
