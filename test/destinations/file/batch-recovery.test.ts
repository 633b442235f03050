import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { DestinationContext, DestinationResult } from '../../../src/core/plugins.js';
import type { MessageEvent, StoredMessage } from '../../../src/core/store-types.js';
import {
  createFileDestination,
  FileDestinationSchema,
} from '../../../src/destinations/file/file-destination.js';
import type { BatchIntent } from '../../../src/destinations/file/batch-recovery.js';
import { splitHl7Batch } from '../../../src/formats/hl7v2/index.js';
import { interruptedIntent, intentStage } from '../../../src/engine/send-intent.js';
import { storelessServices } from '../../support/destination-services.js';

const sample = readFileSync(new URL('../../../samples/hl7/ref-i12.hl7', import.meta.url), 'latin1');
const CONTROL_ID = /^MSH(?:\|[^|\r]*){8}\|([^|\r]+)/;
const logger = pino({ level: 'silent' });

function message(id: number): StoredMessage {
  return {
    id,
    channel: 'out',
    controlId: `C${id}`,
    raw: Buffer.from(sample.replace('PAS0000123', `C${id}`), 'latin1'),
  } as unknown as StoredMessage;
}

/** What the engine hands a send; `recordIntent` and `interruptedIntent` as the test needs them. */
function context(id: number, extra: Partial<DestinationContext> = {}): DestinationContext {
  return {
    channelId: 'out',
    logger,
    services: storelessServices(logger),
    message: message(id),
    mapped: {
      kind: 'mapped',
      operation: 'forward',
      input: { n: id },
      mappingId: 'm',
      mappingHash: 'h',
    },
    previous: {},
    now: Date.now(),
    signal: new AbortController().signal,
    ...extra,
  };
}

interface Place {
  readonly file: string;
  readonly index: number;
  readonly count: number;
  readonly recovered?: boolean;
}
const placeOf = (r: DestinationResult): Place => r.output as unknown as Place;
const controlIdsIn = (file: string): string[] =>
  splitHl7Batch(readFileSync(file)).messages.map(
    (m) => CONTROL_ID.exec(m.raw.toString('latin1'))?.[1] ?? '',
  );

describe('destinations/file: a batch file send records its file before naming it (decision 215)', () => {
  let dir: string;
  const destination = (extra: Record<string, unknown> = {}) =>
    createFileDestination(
      FileDestinationSchema.parse({ folder: dir, mode: 'batch-file', ...extra }),
      { channelId: 'out', configDir: dir, dataDir: dir, logger, services: {} as never },
    );
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'batch-recovery-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('records each message’s place while the file has no name yet, and answers with that place', async () => {
    const d = destination();
    const intents = new Map<number, BatchIntent>();
    const results = await Promise.all(
      [1, 2, 3].map((id) =>
        d.send(
          context(id, {
            recordIntent: (intent) => {
              // Recorded before the link: nothing is under the name yet.
              expect(existsSync(intent['file'] as string)).to.equal(false);
              intents.set(id, intent as unknown as BatchIntent);
              return Promise.resolve(true);
            },
          }),
        ),
      ),
    );
    results.forEach((r, i) => {
      const intent = intents.get(i + 1);
      expect(placeOf(r)).to.deep.equal({ file: intent?.file, index: intent?.index, count: 3 });
      const bytes = readFileSync(intent?.file ?? '');
      const record = bytes.subarray(intent?.offset, (intent?.offset ?? 0) + (intent?.length ?? 0));
      expect(CONTROL_ID.exec(record.toString('latin1'))?.[1]).to.equal(`C${i + 1}`);
    });
  });

  it('after a crash, answers from the recorded file that holds the message, and writes nothing', async () => {
    const d = destination();
    const intents = new Map<number, Record<string, unknown>>();
    await Promise.all(
      [1, 2].map((id) =>
        d.send(context(id, { recordIntent: (i) => (intents.set(id, i), Promise.resolve(true)) })),
      ),
    );
    const again = destination(); // the restarted engine's
    const r = await again.send(context(2, { interruptedIntent: intents.get(2) ?? {} }));
    expect(placeOf(r)).to.deep.include({
      file: intents.get(2)?.['file'],
      index: 2,
      recovered: true,
    });
    expect(readdirSync(dir)).to.have.length(1);
  });

  it('writes the message again when the recorded file is gone, or holds another message there', async () => {
    const d = destination();
    const intents = new Map<number, Record<string, unknown>>();
    await Promise.all(
      [1, 2].map((id) =>
        d.send(context(id, { recordIntent: (i) => (intents.set(id, i), Promise.resolve(true)) })),
      ),
    );
    const again = destination();
    // Message 3 says it was at message 2's place: another record is there.
    const wrongPlace = await again.send(context(3, { interruptedIntent: intents.get(2) ?? {} }));
    expect(placeOf(wrongPlace).recovered).to.equal(undefined);
    expect(controlIdsIn(placeOf(wrongPlace).file)).to.deep.equal(['C3']);
    rmSync(intents.get(1)?.['file'] as string);
    const gone = await again.send(context(1, { interruptedIntent: intents.get(1) ?? {} }));
    expect(placeOf(gone).recovered).to.equal(undefined);
    expect(controlIdsIn(placeOf(gone).file)).to.deep.equal(['C1']);
  });

  it('NDJSON: the line’s channel and message id say it is there, whatever the mapping gives now', async () => {
    const d = destination({ content: 'mapped' });
    let intent: Record<string, unknown> = {};
    await d.send(context(7, { recordIntent: (i) => ((intent = i), Promise.resolve(true)) }));
    const remapped = { ...context(7).mapped, input: { n: 'changed since' } };
    const r = await destination({ content: 'mapped' }).send(
      context(7, { interruptedIntent: intent, mapped: remapped }),
    );
    expect(placeOf(r)).to.deep.include({ file: intent['file'], index: 1, recovered: true });
    const other = await destination({ content: 'mapped' }).send(
      context(8, { interruptedIntent: intent }),
    );
    expect(placeOf(other).recovered).to.equal(undefined);
    expect(readdirSync(dir)).to.have.length(2);
  });

  it('leaves out a message whose lease was lost, and records the others’ new places in a new file', async () => {
    const d = destination();
    const recorded: Record<string, unknown>[] = [];
    const sends = [1, 2, 3].map((id) =>
      d.send(
        context(id, {
          recordIntent: (i) => {
            recorded.push({ id, ...i });
            return Promise.resolve(id !== 2);
          },
        }),
      ),
    );
    const [one, two, three] = await Promise.allSettled(sends);
    expect(two?.status).to.equal('rejected');
    const places = [one, three].map((s) =>
      placeOf((s as PromiseFulfilledResult<DestinationResult>).value),
    );
    expect(places.map((p) => [p.index, p.count])).to.deep.equal([
      [1, 2],
      [2, 2],
    ]);
    expect(controlIdsIn(places[0]?.file ?? '')).to.deep.equal(['C1', 'C3']);
    // Three intents for the first try, then two for the file written.
    expect(recorded.map((r) => r['id'])).to.deep.equal([1, 2, 3, 1, 3]);
    expect(recorded.at(-1)).to.deep.include({ file: places[1]?.file, index: 2, count: 2 });
    expect(readdirSync(dir)).to.have.length(1);
  });

  it('takes another name, recorded again, when the one recorded is taken before the link', async () => {
    const d = destination();
    const files: string[] = [];
    const r = await d.send(
      context(1, {
        recordIntent: (i) => {
          const file = i['file'] as string;
          // Someone else creates the chosen name between the choice and the link, once.
          if (files.length === 0) writeFileSync(file, 'not ours');
          files.push(file);
          return Promise.resolve(true);
        },
      }),
    );
    expect(files).to.have.length(2);
    expect(files[1]).to.not.equal(files[0]);
    expect(placeOf(r).file).to.equal(files[1]);
    expect(readFileSync(files[0] ?? '', 'utf8')).to.equal('not ours');
    expect(controlIdsIn(files[1] ?? '')).to.deep.equal(['C1']);
  });

  it('a template that gives one name: takes the next alternative, recording a name again only once it was taken', async () => {
    const d = destination({ fileName: 'fixed.hl7' });
    writeFileSync(join(dir, 'fixed.hl7'), 'from an earlier run');
    const recorded: string[] = [];
    const sendOne = (id: number) =>
      d.send(
        context(id, {
          recordIntent: (i) => (recorded.push(i['file'] as string), Promise.resolve(true)),
        }),
      );
    const first = await sendOne(1);
    const second = await sendOne(2);
    expect(recorded).to.deep.equal([
      join(dir, 'fixed.hl7'),
      join(dir, 'fixed-1.hl7'),
      join(dir, 'fixed-2.hl7'),
    ]);
    expect([placeOf(first).file, placeOf(second).file]).to.deep.equal(recorded.slice(1));
  });
});

describe('engine/send-intent: which recorded intent a resumed send sees (pure)', () => {
  const event = (stage: string, detail: Record<string, unknown> = {}): MessageEvent => ({
    id: 0,
    messageId: 1,
    at: 0,
    status: 'TRANSFORMED',
    stage,
    actor: 'w',
    detail,
  });
  it('the intent when it is the message’s last event, nothing when anything came after it', () => {
    const intent = event(intentStage('out'), { file: 'f' });
    expect(interruptedIntent([event('transform'), intent], 'out')).to.deep.equal({ file: 'f' });
    expect(interruptedIntent([event('transform'), intent], 'other')).to.equal(undefined);
    // An earlier pass's intent (then its SENT, a reprocess, a new TRANSFORMED): not this pass's.
    expect(
      interruptedIntent([intent, event('send'), event('reprocess'), event('transform')], 'out'),
    ).to.equal(undefined);
    expect(interruptedIntent([], 'out')).to.equal(undefined);
  });
});
