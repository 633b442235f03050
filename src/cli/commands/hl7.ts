import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { isEngineError } from '../../core/errors.js';
import { formatHl7Tree, parseHl7, splitHl7Batch } from '../../formats/hl7v2/index.js';

/** The tree of every message in a file (batches included), or the parse error with its place. */
export async function inspectFile(file: string): Promise<{ text: string; ok: boolean }> {
  const batch = splitHl7Batch(await readFile(file));
  const parts: string[] = [...batch.issues.map((i) => `! ${i}`)];
  let ok = batch.messages.length > 0;
  if (!ok) parts.push('! no MSH segment found');
  for (const m of batch.messages) {
    if (batch.messages.length > 1) parts.push(`--- message ${m.index} (line ${m.line})`);
    try {
      parts.push(formatHl7Tree(parseHl7(m.raw)));
    } catch (error) {
      if (!isEngineError(error)) throw error;
      ok = false;
      parts.push(`! ${error.code} at ${error.at ?? '?'}: ${error.message}`);
    }
  }
  return { text: parts.join('\n'), ok };
}

export function register(program: Command): void {
  const hl7 = program.command('hl7').description('HL7 v2 tools');
  hl7
    .command('inspect')
    .description(
      'print the parsed tree of an HL7 v2 file with field names (shows patient data: use on test files)',
    )
    .argument('<file>', 'HL7 file (a message, several, or a batch)')
    .action(async (file: string) => {
      const { text, ok } = await inspectFile(file);
      console.log(text);
      if (!ok) process.exitCode = 1;
    });
}
