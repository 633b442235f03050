import { EngineError } from './errors.js';

export interface ListenTarget {
  /** What was listening, as an operator names it: `the admin server`, `the embedded e-RS sandbox`. */
  readonly what: string;
  readonly host: string;
  readonly port: number;
  /** The setting (and its variable) that moves it, named in the error. */
  readonly setting: string;
  /** SOURCE_PORT_IN_USE for a channel's listener; the engine's own listeners by default. */
  readonly code?: 'ENGINE_PORT_IN_USE' | 'SOURCE_PORT_IN_USE';
}

/**
 * One line naming the setting to change, instead of Node's bare `listen EADDRINUSE` or a stack:
 * a taken port is an ordinary mistake (a second engine, another program on 8080).
 */
export function listenFailure(error: unknown, target: ListenTarget): Error {
  const e = error as NodeJS.ErrnoException;
  // Anything else (a bad seed file, say) is not about the port: passed on as it is.
  if (e.syscall !== 'listen') return error instanceof Error ? error : new Error(String(error));
  const { what, host, port, setting } = target;
  const why =
    e.code === 'EADDRINUSE'
      ? `port ${port} is already in use on ${host} (another ers-bridge or program listens there)`
      : e.code === 'EACCES'
        ? `port ${port} needs privileges this process does not have`
        : e.code === 'EADDRNOTAVAIL'
          ? `${host} is not an address of this machine`
          : e.message;
  return new EngineError(
    target.code ?? 'ENGINE_PORT_IN_USE',
    `${what} cannot listen on ${host}:${port}: ${why}; change ${setting}`,
    { cause: e, context: { host, port } },
  );
}
