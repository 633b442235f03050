import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { createLogger } from '../../src/core/logger.js';

/** A stream that says it is a terminal, as process.stdout does when a person runs the engine. */
function terminal(): PassThrough & { isTTY: boolean } {
  return Object.assign(new PassThrough(), { isTTY: true });
}

function written(stream: PassThrough): string {
  const chunks: Buffer[] = [];
  let chunk: Buffer | null;
  while ((chunk = stream.read() as Buffer | null) !== null) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

describe('engine logger', () => {
  it('writes JSON lines when the output is not a terminal', () => {
    const out = new PassThrough();
    createLogger({ level: 'info', destination: out }).info({ channel: 'pas' }, 'channel started');
    const line = JSON.parse(written(out).trim()) as Record<string, unknown>;
    expect(line).to.include({ msg: 'channel started', channel: 'pas', level: 30 });
  });

  it('writes readable coloured lines on a terminal', () => {
    const out = terminal();
    createLogger({ level: 'info', destination: out }).info({ channel: 'pas' }, 'channel started');
    const text = written(out);
    expect(text).to.match(/INFO/);
    expect(text).to.include('channel started');
    expect(text).to.include('\u001b['); // ANSI colour
    expect(() => JSON.parse(text) as unknown).to.throw();
  });

  it('keeps JSON on a terminal when the format says json', () => {
    const out = terminal();
    createLogger({ level: 'info', format: 'json', destination: out }).info('hello');
    expect(JSON.parse(written(out).trim())).to.include({ msg: 'hello' });
  });

  it('redacts patient data in pretty lines too', () => {
    const out = terminal();
    createLogger({ level: 'info', destination: out }).info({ nhsNumber: '9434765919' }, 'seen');
    const text = written(out);
    expect(text).not.to.include('9434765919');
    expect(text).to.include('[Redacted]');
  });
});
