import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { MllpClient } from '../../formats/mllp/client.js';
import { isEngineError } from '../../core/errors.js';
import {
  compileHl7Path,
  parseHl7,
  splitHl7Batch,
  type Hl7Message,
} from '../../formats/hl7v2/index.js';

const MSA_1 = compileHl7Path('MSA-1');
const MSA_2 = compileHl7Path('MSA-2');
const MSA_3 = compileHl7Path('MSA-3');
const ERR_8 = compileHl7Path('ERR[*]-8');

export interface SendOptions {
  readonly to: string;
  readonly files: readonly string[];
  readonly ackTimeoutMs: number;
  readonly tls?: {
    caFile?: string;
    certFile?: string;
    keyFile?: string;
    rejectUnauthorized: boolean;
  };
  /** Also print the whole ACK, one segment a line, under each message's line. */
  readonly verbose?: boolean;
  /** One line per message (more with `verbose`). */
  readonly print: (line: string) => void;
}

/**
 * One line per ACK: `<file>#<n>  AA  PAS0000124  UBRN 000000070000` — MSA-1, MSA-2 (the control
 * id answered), MSA-3 (the text, e.g. the UBRN) and each ERR's text as `ERR: <text>`.
 */
export function ackLine(label: string, ack: Hl7Message): string {
  const parts = [label, MSA_1.first(ack) ?? '?', MSA_2.first(ack) ?? ''];
  const text = MSA_3.first(ack) ?? '';
  if (text !== '') parts.push(text);
  for (const e of ERR_8.values(ack)) if (e !== '' && e !== text) parts.push(`ERR: ${e}`);
  return parts.join('  ');
}

/** `host:port` → parts; the port is required. */
export function parseTarget(to: string): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(to.trim());
  const port = Number(m?.[2]);
  if (m === null || port < 1 || port > 65535)
    throw new Error(`--to must be host:port, got "${to}"`);
  return { host: (m[1] as string).replace(/^\[(.*)\]$/, '$1'), port };
}

/**
 * Sends every message of every file (single messages, multi-message files and FHS/BHS batches)
 * over one MLLP connection, printing each ACK. Resolves with the number of messages that were
 * not accepted (AA/CA).
 */
export async function sendFiles(options: SendOptions): Promise<number> {
  const client = new MllpClient({
    ...parseTarget(options.to),
    connectTimeoutMs: 10_000,
    ackTimeoutMs: options.ackTimeoutMs,
    ...(options.tls === undefined ? {} : { tls: options.tls }),
  });
  let failed = 0;
  try {
    for (const file of options.files) {
      const batch = splitHl7Batch(await readFile(file));
      for (const issue of batch.issues) options.print(`${file}: ${issue}`);
      if (batch.messages.length === 0) {
        options.print(`${file}: no MSH segment found, nothing sent`);
        failed++;
      }
      for (const m of batch.messages) {
        const label = `${file}#${m.index}`;
        try {
          const reply = await client.send(m.raw);
          const ack = parseHl7(reply);
          const code = MSA_1.first(ack) ?? '?';
          if (code !== 'AA' && code !== 'CA') failed++;
          options.print(ackLine(label, ack));
          if (options.verbose === true)
            for (const segment of reply
              .toString('utf8')
              .split(/\r\n?|\n/)
              .filter((l) => l !== ''))
              options.print(`    ${segment}`);
        } catch (error) {
          failed++;
          options.print(
            `${label}  ${isEngineError(error) ? `${error.code}: ${error.message}` : String(error)}`,
          );
          if (isEngineError(error) && error.code === 'DEST_UNAVAILABLE') return failed;
        }
      }
    }
    return failed;
  } finally {
    client.close();
  }
}

export function register(program: Command): void {
  program
    .command('send')
    .description(
      'send HL7 v2 files (single messages, multi-message or batch files) over MLLP and print each ACK',
    )
    .requiredOption('--to <host:port>', 'the MLLP listener')
    .option('--ack-timeout <ms>', 'how long to wait for each ACK', '30000')
    .option('--tls', 'connect with TLS')
    .option('--ca <file>', 'CA certificate to trust (TLS)')
    .option('--cert <file>', 'client certificate (TLS)')
    .option('--key <file>', 'client key (TLS)')
    .option('--insecure', 'accept any server certificate (TLS, testing only)')
    .option('-v, --verbose', 'print the whole ACK under each line')
    .argument('<files...>', 'HL7 files')
    .action(
      async (
        files: string[],
        flags: {
          to: string;
          ackTimeout: string;
          tls?: boolean;
          ca?: string;
          cert?: string;
          key?: string;
          insecure?: boolean;
          verbose?: boolean;
        },
      ) => {
        const tls =
          flags.tls === true || flags.ca !== undefined
            ? {
                ...(flags.ca === undefined ? {} : { caFile: flags.ca }),
                ...(flags.cert === undefined ? {} : { certFile: flags.cert }),
                ...(flags.key === undefined ? {} : { keyFile: flags.key }),
                rejectUnauthorized: flags.insecure !== true,
              }
            : undefined;
        const failed = await sendFiles({
          to: flags.to,
          files,
          ackTimeoutMs: Number(flags.ackTimeout),
          verbose: flags.verbose === true,
          ...(tls === undefined ? {} : { tls }),
          print: (line) => {
            console.log(line);
          },
        });
        if (failed > 0) process.exitCode = 1;
      },
    );
}
