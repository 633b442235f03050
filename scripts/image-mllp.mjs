// Used by scripts/image-smoke.sh inside a throwaway container of the image (so the host needs no
// Node.js): sends one HL7 file over MLLP COUNT times, MSH-10 suffixed with -1, -2, … from the
// second copy on when COUNT > 1, and prints each ACK's MSA segment.
//   node image-mllp.mjs HOST:PORT FILE [COUNT] [SUFFIX]
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';

const [target = '', file = '', countText = '1', suffix = ''] = process.argv.slice(2);
const [host, port] = target.split(':');
const base = readFileSync(file, 'utf8').replace(/\r?\n/g, '\r').replace(/\r+$/, '');

/** The message with MSH-10 changed to `<MSH-10><tag>` (field 10 of the first segment). */
function withControlId(message, tag) {
  const [msh, ...rest] = message.split('\r');
  const fields = msh.split('|');
  fields[9] = `${fields[9]}${tag}`;
  return [fields.join('|'), ...rest].join('\r');
}

const socket = connect(Number(port), host);
let pending = '';
const waiters = [];
socket.on('data', (chunk) => {
  pending += chunk.toString('utf8');
  for (let end = pending.indexOf('\x1c\r'); end >= 0; end = pending.indexOf('\x1c\r')) {
    const ack = pending.slice(pending.indexOf('\x0b') + 1, end);
    pending = pending.slice(end + 2);
    waiters.shift()?.(ack);
  }
});
socket.on('error', (error) => {
  process.stderr.write(`mllp: ${error.message}\n`);
  process.exit(2);
});
await new Promise((resolve) => socket.once('connect', resolve));
for (let i = 0; i < Number(countText); i++) {
  const tag = Number(countText) > 1 || suffix !== '' ? `${suffix}-${i + 1}` : '';
  const message = tag === '' ? base : withControlId(base, tag);
  const ack = await new Promise((resolve) => {
    waiters.push(resolve);
    socket.write(`\x0b${message}\x1c\r`);
  });
  process.stdout.write(`${ack.split('\r').find((s) => s.startsWith('MSA|')) ?? ack}\n`);
}
socket.end();
