import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErsClient } from '../../src/ers/client.js';
import { platformAuth } from '../../src/ers/auth.js';
import {
  bookBySlotRule,
  chooseSlot,
  createReferralWithLetter,
  referrerLetters,
  uploadAndLink,
} from '../../src/ers/flows/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { SqliteMessageStore } from '../../src/store/sqlite/index.js';
import { repoRoot } from '../support/engine-process.js';

const NHS = '9912003888';
const triageReferral = { nhsNumber: NHS, priority: 'URGENT', serviceIds: ['12000'] };
const directReferral = { nhsNumber: NHS, priority: 'ROUTINE', serviceIds: ['10000'] };
const text = (name: string) => ({
  fileName: name,
  contentType: 'text/plain',
  dataBase64: Buffer.from(`content of ${name}`).toString('base64'),
});

/** Runs the upload flow in a child process; resolves with its output once it exits or stops. */
function runChild(
  env: Record<string, string>,
  stopAfter?: number,
): Promise<{ out: string; killed: boolean }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'test/ers/support/upload-flow-child.ts')],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...env,
        ...(stopAfter === undefined ? {} : { STOP_AFTER: String(stopAfter) }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  let killed = false;
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (stopAfter !== undefined && out.includes(`checkpointed ${stopAfter}`) && !killed) {
      killed = true;
      child.kill('SIGKILL'); // a crash: no shutdown code runs
    }
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (killed || code === 0) resolve({ out, killed });
      else reject(new Error(`child exited ${String(code)}: ${err}`));
    });
  });
}

describe('ers: composite flows against the sandbox', () => {
  let sandbox: RunningSandbox;
  let dir: string;
  let store: SqliteMessageStore;
  let client: ErsClient;
  before(async () => {
    sandbox = await startSandbox({ port: 0, world: 'legacy' });
    dir = mkdtempSync(join(tmpdir(), 'ers-flows-'));
    store = new SqliteMessageStore({ file: join(dir, 'parent.db') });
    client = new ErsClient({
      stu3Base: `${sandbox.url}/FHIR/STU3`,
      auth: platformAuth({
        mode: 'platform',
        accessToken: 't',
        businessFunction: 'REFERRING_CLINICIAN',
        odsCode: 'R69',
      }),
      requestsPerMinute: 60_000,
      timeoutMs: 10_000,
    });
  });
  after(async () => {
    await sandbox.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    sandbox.state.reset();
  });
  const uploads = () =>
    sandbox.state.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Binary'));

  it('resumes a multi-file upload killed between uploads without uploading a file twice', async function () {
    this.timeout(60_000);
    const { output } = await client.execute('A021', triageReferral);
    const env = {
      SANDBOX_URL: sandbox.url,
      STORE_FILE: join(dir, 'child.db'),
      UBRN: output['ubrn']!,
    };
    const first = await runChild(env, 1);
    expect(first.killed).to.equal(true);
    expect(uploads()).to.have.length(2);
    const second = await runChild(env);
    const result = JSON.parse(second.out.trim().split('\n').at(-1)!) as {
      attachmentUrls: string[];
      uploadedNow: number;
    };
    expect(result.uploadedNow).to.equal(1);
    const names = uploads().map((r) => r.headers['nhsd-ers-file-name']);
    expect(names).to.deep.equal(['letter-one.txt', 'letter-two.txt', 'letter-three.txt']);
    const linked = (await client.execute('A005', { ubrn: output['ubrn'] })).resource;
    expect(referrerLetters(linked).map((f) => f.url)).to.deep.equal(result.attachmentUrls);
  });

  it('keeps the letters already on the referral and does nothing more when run again', async () => {
    const { output } = await client.execute('A021', triageReferral);
    const ubrn = output['ubrn']!;
    const indexed = '2026-11-25T09:00:00+00:00';
    const key = `ers-upload:${ubrn}`;
    await uploadAndLink(
      client,
      { ubrn, files: [text('first.txt')], indexed },
      { store, key: `${key}-a` },
    );
    const done = await uploadAndLink(
      client,
      { ubrn, files: [text('second.txt'), text('third.txt')], indexed },
      { store, key },
    );
    const letters = referrerLetters((await client.execute('A005', { ubrn })).resource);
    expect(letters).to.have.length(3);
    expect(letters.map((l) => l.url)).to.include.members(done.attachmentUrls);
    const calls = sandbox.state.requests.length;
    const again = await uploadAndLink(
      client,
      { ubrn, files: [text('second.txt'), text('third.txt')], indexed },
      { store, key },
    );
    expect(again).to.deep.include({ uploadedNow: 0, version: done.version });
    expect(sandbox.state.requests.length).to.equal(calls);
  });

  it('after the link answer was lost, a rerun sees the letters linked and does not link again', async () => {
    const { output } = await client.execute('A021', triageReferral);
    const ubrn = output['ubrn']!;
    const input = {
      ubrn,
      files: [text('a.txt'), text('b.txt')],
      indexed: '2026-11-25T09:00:00+00:00',
    };
    const key = `ers-upload:lost-${ubrn}`;
    // Two uploads and the A005 pass; A012 is applied, then its answer is lost.
    await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failNext: [{}, {}, {}, { drop: 'after' }] }),
    });
    const lost = await uploadAndLink(client, input, { store, key }).catch((e: unknown) => e);
    expect(lost).to.have.property('code', 'ERS_OUTCOME_UNKNOWN');
    const seen = sandbox.state.requests.length;
    const done = await uploadAndLink(client, input, { store, key });
    expect(done.uploadedNow).to.equal(0);
    // The rerun only read the referral: no upload and no second A012.
    const rerun = sandbox.state.requests.slice(seen).map((r) => `${r.method} ${r.path}`);
    expect(rerun).to.deep.equal([`GET /ReferralRequest/${ubrn}`]);
    expect(uploads()).to.have.length(2);
    const letters = referrerLetters((await client.execute('A005', { ubrn })).resource);
    expect(letters.map((l) => l.url)).to.deep.equal(done.attachmentUrls);
  });

  it('retries an upload whose answer was lost instead of sending the flow for review', async () => {
    const { output } = await client.execute('A021', triageReferral);
    const ubrn = output['ubrn']!;
    const input = { ubrn, files: [text('x.txt')], indexed: '2026-11-25T09:00:00+00:00' };
    await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failNext: [{ drop: 'after' }] }),
    });
    const key = `ers-upload:retry-${ubrn}`;
    const lost = await uploadAndLink(client, input, { store, key }).catch((e: unknown) => e);
    expect(lost).to.include({ code: 'ERS_UNAVAILABLE', retry: 'transient' });
    const done = await uploadAndLink(client, input, { store, key });
    expect(done.uploadedNow).to.equal(1);
    const letters = referrerLetters((await client.execute('A005', { ubrn })).resource);
    expect(letters.map((l) => l.url)).to.deep.equal(done.attachmentUrls);
  });

  it('checks every file before uploading any', async () => {
    const error = await uploadAndLink(
      client,
      {
        ubrn: '000000070000',
        files: [text('fine.txt'), { ...text('bad.exe'), contentType: 'application/zip' }],
        indexed: '2026-11-25T09:00:00+00:00',
      },
      { store, key: 'ers-upload:invalid' },
    ).catch((e: unknown) => e);
    expect(error).to.have.property('code', 'ERS_INVALID_INPUT');
    expect(uploads()).to.have.length(0);
  });

  it('creates a referral and returns its patient letter (A011 then A019)', async () => {
    const made = await createReferralWithLetter(client, directReferral);
    expect(made.ubrn).to.match(/^\d{12}$/);
    expect(made.letter.bytes.subarray(0, 5).toString()).to.equal('%PDF-');
    expect(made.letter.fileName).to.include(made.ubrn.replace(/^0+/, ''));
  });

  it('after the letter call failed, fetches the letter of the same referral instead of creating another', async () => {
    await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failNext: [{}, { status: 503 }] }),
    });
    const key = 'ers-letter:retry';
    const failed = await createReferralWithLetter(client, directReferral, { store, key }).catch(
      (e: unknown) => e,
    );
    expect(failed).to.have.property('code', 'ERS_UNAVAILABLE');
    const made = await createReferralWithLetter(client, directReferral, { store, key });
    expect(sandbox.state.referrals.size).to.equal(1);
    expect(made.letter.bytes.length).to.be.greaterThan(100);
  });

  it('books the first free slot on or after a date (A015 then A016)', async () => {
    const { output } = await client.execute('A011', directReferral);
    const bundle = (
      await client.execute('A015', {
        serviceId: '10000',
        count: 100,
        priority: 'ROUTINE',
        commissioningRuleOrg: 'R69',
      })
    ).resource;
    const starts = (
      bundle as { entry: { resource: { resourceType: string; start: string } }[] }
    ).entry
      .filter((e) => e.resource.resourceType === 'Slot')
      .map((e) => e.resource.start)
      .sort();
    const wanted = starts[3]!;
    const booked = await bookBySlotRule(client, {
      ubrn: output['ubrn']!,
      version: output['version']!,
      serviceId: '10000',
      nhsNumber: NHS,
      rule: { kind: 'first-on-or-after', from: wanted },
    });
    expect(booked.slot?.start).to.equal(wanted);
    const sent = sandbox.state.requests.at(-1)!;
    expect(sent.path).to.match(/\/Appointment$/);
  });

  it('reads the referral version again when the one given is stale (409) and books', async () => {
    const { output } = await client.execute('A011', directReferral);
    const booked = await bookBySlotRule(client, {
      ubrn: output['ubrn']!,
      version: '7',
      serviceId: '10000',
      nhsNumber: NHS,
      rule: { kind: 'first-free' },
    });
    expect(booked.slot?.id).to.be.a('string');
    expect(sandbox.state.referrals.get(output['ubrn']!)?.state).to.equal('BOOKED');
  });

  it('fails with ERS_NO_FREE_SLOT, booking nothing, when no slot fits the rule', async () => {
    const { output } = await client.execute('A011', directReferral);
    const error = await bookBySlotRule(client, {
      ubrn: output['ubrn']!,
      version: output['version']!,
      serviceId: '10000',
      nhsNumber: NHS,
      rule: { kind: 'first-on-or-after', from: '2099-01-01' },
    }).catch((e: unknown) => e);
    expect(error).to.include({ code: 'ERS_NO_FREE_SLOT', retry: 'transient' });
    expect(sandbox.state.requests.some((r) => r.path.endsWith('/Appointment'))).to.equal(false);
  });

  it('defers to the provider only when the service has no free slot at all, if asked to', async () => {
    const { output } = await client.execute('A011', directReferral);
    const input = {
      ubrn: output['ubrn']!,
      serviceId: '10000',
      nhsNumber: NHS,
      rule: { kind: 'first-on-or-after', from: '2099-01-01' } as const,
    };
    // Free slots that miss the date: never a NO_SLOTS_AT_SERVICE deferral.
    const missed = await bookBySlotRule(client, input, { whenNoSlots: 'defer' }).catch(
      (e: unknown) => e,
    );
    expect(missed).to.have.property('code', 'ERS_NO_FREE_SLOT');
    for (const slot of sandbox.state.slots.values()) slot.status = 'busy';
    const deferred = await bookBySlotRule(client, input, { whenNoSlots: 'defer' });
    expect(deferred.outcome).to.equal('deferred');
    expect(sandbox.state.referrals.get(output['ubrn']!)?.state).to.equal('DEFERRED_TO_PROVIDER');
    const sent = sandbox.state.requests.at(-1)!;
    expect(JSON.stringify(sent.body)).to.include('NO_SLOTS_AT_SERVICE');
  });

  it('picks slots by rule whatever order they come in', () => {
    const slots = [
      { id: 'c', start: '2026-12-03T09:00:00Z', end: '2026-12-03T09:30:00Z' },
      { id: 'a', start: '2026-12-01T09:00:00Z', end: '2026-12-01T09:30:00Z' },
      { id: 'b', start: '2026-12-02T09:00:00Z', end: '2026-12-02T09:30:00Z' },
    ];
    expect(chooseSlot({ kind: 'first-free' }, slots)?.id).to.equal('a');
    expect(
      chooseSlot({ kind: 'first-on-or-after', from: '2026-12-01T10:00:00Z' }, slots)?.id,
    ).to.equal('b');
    expect(chooseSlot({ kind: 'first-on-or-after', from: '2026-12-04' }, slots)).to.equal(
      undefined,
    );
  });
});
