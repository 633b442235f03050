/**
 * Runs uploadAndLink in its own process for the crash test (test/ers/flows.test.ts). With
 * STOP_AFTER=n it reports "checkpointed n" once upload n is durable and then hangs, so the test
 * can SIGKILL it between two uploads; otherwise it prints the result as JSON and exits.
 */
import { ErsClient } from '../../../src/ers/client.js';
import { platformAuth } from '../../../src/ers/auth.js';
import { uploadAndLink } from '../../../src/ers/flows/index.js';
import { SqliteMessageStore } from '../../../src/store/sqlite/index.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined) throw new Error(`${name} is required`);
  return v;
};

const store = new SqliteMessageStore({ file: env('STORE_FILE') });
const client = new ErsClient({
  stu3Base: `${env('SANDBOX_URL')}/FHIR/STU3`,
  auth: platformAuth({
    mode: 'platform',
    accessToken: 'child-token',
    businessFunction: 'REFERRING_CLINICIAN',
    odsCode: 'R69',
  }),
  requestsPerMinute: 60_000,
  timeoutMs: 10_000,
});
const stopAfter = process.env['STOP_AFTER'] === undefined ? -1 : Number(process.env['STOP_AFTER']);
const files = ['one', 'two', 'three'].map((n) => ({
  fileName: `letter-${n}.txt`,
  contentType: 'text/plain',
  dataBase64: Buffer.from(`letter ${n}`).toString('base64'),
}));

const result = await uploadAndLink(
  client,
  { ubrn: env('UBRN'), files, indexed: '2026-11-25T09:00:00+00:00' },
  {
    store,
    key: 'ers-upload:test',
    onProgress: async (event) => {
      if (event.step === 'uploaded' && event.index === stopAfter) {
        process.stdout.write(`checkpointed ${event.index}\n`);
        await new Promise(() => setInterval(() => undefined, 1000));
      }
    },
  },
);
process.stdout.write(`${JSON.stringify(result)}\n`);
await store.close();
