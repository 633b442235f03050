import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { MllpClient } from '../../destinations/mllp/client.js';
import { isEngineError } from '../../engine/errors.js';
import { compileHl7Path, parseHl7, splitHl7Batch } from '../../formats/hl7v2/index.js';

const MSA_1 = compileHl7Path('MSA-1');
const MSA_2 = compileHl7Path('MSA-2');
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
  /** One line per message. */
  readonly print: (line: string) => void;
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
          const ack = parseHl7(await client.send(m.raw));
          const code = MSA_1.first(ack) ?? '?';
          const errors = ERR_8.values(ack);
          if (code !== 'AA' && code !== 'CA') failed++;
          options.print(
            `${label} ${MSA_2.first(ack) ?? ''} ${code}${errors.length > 0 ? ` ${errors.join('; ')}` : ''}`,
          );
        } catch (error) {
          failed++;
          options.print(
            `${label} ${isEngineError(error) ? `${error.code}: ${error.message}` : String(error)}`,
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
          ...(tls === undefined ? {} : { tls }),
          print: (line) => {
            console.log(line);
          },
        });
        if (failed > 0) process.exitCode = 1;
      },
    );
}
