/**
 * Run by test/ers/https-transport.test.ts in a child process (NODE_EXTRA_CA_CERTS is read only
 * when node starts): A021 `CALLS` times, one after another, through the e-RS client to the HTTPS
 * base URL in argv[2]. Prints one JSON line: the UBRNs made, or the error's code and message.
 */
import { ErsClient } from '../../../src/ers/client.js';
import { platformAuth } from '../../../src/ers/auth.js';
import { ErsError } from '../../../src/ers/ers-error.js';

const [base = '', calls = '1'] = process.argv.slice(2);
const client = new ErsClient({
  stu3Base: base,
  auth: platformAuth({
    mode: 'platform',
    accessToken: 'test-token',
    businessFunction: 'REFERRING_CLINICIAN',
    odsCode: 'R69',
  }),
  requestsPerMinute: 60_000,
  timeoutMs: 5000,
});
const ubrns: string[] = [];
try {
  for (let i = 0; i < Number(calls); i++) {
    const { output } = await client.execute('A021', {
      nhsNumber: '9912003888',
      priority: 'ROUTINE',
      serviceIds: ['11004'],
      specialty: 'CARDIOLOGY',
    });
    ubrns.push(output['ubrn'] ?? '');
  }
  console.log(JSON.stringify({ ubrns }));
} catch (error) {
  const e = error as ErsError;
  console.log(
    JSON.stringify({
      error: { code: e instanceof ErsError ? e.code : 'other', message: e.message },
    }),
  );
} finally {
  await client.close();
}
