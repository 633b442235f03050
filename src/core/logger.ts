import { pino, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';

/**
 * Structured logs free of patient data (DESIGN.md invariant 6): stages log ids and codes, never
 * raw messages; these paths are redacted as a second line of defence should one slip in.
 */
export const REDACTED_PATHS = [
  'raw',
  '*.raw',
  'body',
  '*.body',
  'nhsNumber',
  '*.nhsNumber',
  'patient',
  '*.patient',
  'name',
  '*.name',
  'input',
  '*.input',
  'mappedInput',
  '*.mappedInput',
  'request',
  '*.request',
  'response',
  '*.response',
  'password',
  '*.password',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
];

export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** `auto` is pretty only for a person at a terminal; a pipe or a file gets JSON lines. */
export function prettyLogs(format: LogFormat, destination: NodeJS.WritableStream): boolean {
  switch (format) {
    case 'json':
      return false;
    case 'pretty':
      return true;
    case 'auto':
      return (destination as Partial<NodeJS.WriteStream>).isTTY === true;
  }
}

export function createLogger(options: {
  level: string;
  includePatientData?: boolean;
  format?: LogFormat;
  destination?: NodeJS.WritableStream;
}): Logger {
  const destination = options.destination ?? process.stdout;
  const pretty = prettyLogs(options.format ?? 'auto', destination);
  return pino(
    {
      level: options.level,
      base: { app: 'ers-bridge' },
      redact:
        options.includePatientData === true
          ? ['password', '*.password', 'token', '*.token']
          : REDACTED_PATHS,
    },
    pretty
      ? // In-process and synchronous, so a crash never loses the last lines (no worker thread).
        PinoPretty({
          destination,
          sync: true,
          colorize: (destination as Partial<NodeJS.WriteStream>).isTTY === true,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,app',
        })
      : // pino's stream type is its own; a Writable is what it needs.
        (destination as pino.DestinationStream),
  );
}
