import { pino, type Logger } from 'pino';

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

export function createLogger(options: {
  level: string;
  includePatientData?: boolean;
  destination?: NodeJS.WritableStream;
}): Logger {
  return pino(
    {
      level: options.level,
      base: { app: 'ers-bridge' },
      redact:
        options.includePatientData === true
          ? ['password', '*.password', 'token', '*.token']
          : REDACTED_PATHS,
    },
    // pino's stream type is its own; a Writable is what it needs.
    (options.destination ?? process.stdout) as pino.DestinationStream,
  );
}
