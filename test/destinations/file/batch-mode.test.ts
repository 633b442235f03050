import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitHl7Batch } from '../../../src/formats/hl7v2/index.js';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../../support/engine-harness.js';
import type { RunningEngine } from '../../../src/main/run.js';
import type { EngineServices } from '../../../src/core/services.js';
import { batchOf } from '../../../src/engine/channel-runtime.js';
import { createLogger } from '../../../src/core/logger.js';
import {
  createFileDestination,
  FileDestinationSchema,
} from '../../../src/destinations/file/file-destination.js';

const sample = readFileSync(new URL('../../../samples/hl7/ref-i12.hl7', import.meta.url), 'latin1');
const hl7 = (n: number): string => sample.replace('PAS0000123', `PAS${String(n).padStart(7, '0')}`);

interface Place {
  readonly file: string;
  readonly index: number;
  readonly count: number;
}

async function post(port: number, body: string, controlId: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/messages`, {
    method: 'POST',
    headers: { 'x-message-id': controlId },
    body,
  });
  expect(res.status).to.equal(202);
  return ((await res.json()) as { id: number }).id;
}

async function settled(running: RunningEngine, id: number) {
  return eventually(async () => {
    const m = await running.store.get(id);
    return m !== undefined && ['SENT', 'ERROR', 'DEAD', 'NEEDS_REVIEW'].includes(m.status)
      ? m
      : undefined;
  }, 30_000);
}

const channel = (extra: string): string => `id: out
source: { type: http, port: 0 }
workers: 4
destinations:
  - { name: out, type: file, folder: drop/out, mode: batch-file${extra} }
retry: { maxAttempts: 1, initialDelayMs: 10, maxDelayMs: 10, jitterRatio: 0 }
`;

describe('destinations/file: mode batch-file through a real channel', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(() => h.cleanup());

  it('puts every message in an HL7 batch file at the place its result names, each once', async () => {
    h.writeChannel('out.yaml', channel(''));
    const running = await h.start();
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const ids = await Promise.all(
      Array.from({ length: 60 }, (_, i) => post(port, hl7(i), `c${i}`)),
    );
    const folder = join(h.dataDir, 'drop', 'out');
    const seen = new Map<string, number>();
    for (const id of ids) {
      const m = await settled(running, id);
      expect(m.status, `message ${id}`).to.equal('SENT');
      const place = (m.destinationResults['out'] as { output: Place }).output;
      const split = splitHl7Batch(readFileSync(place.file));
      expect(split.issues).to.deep.equal([]);
      expect(split.messages).to.have.length(place.count);
      const mine = split.messages[place.index - 1]?.raw.toString('latin1');
      expect(mine?.replace(/\r$/, '')).to.equal(m.raw?.toString('latin1').replace(/[\r\n]+$/, ''));
    }
    // Each message is in exactly one file, and nothing else is in the folder (no temp files).
    const names = readdirSync(folder);
    expect(
      names.every((n) => /^out-\d{8}T\d{9}-\d{6}\.hl7$/.test(n)),
      names.join(' '),
    ).to.equal(true);
    for (const name of names)
      for (const msg of splitHl7Batch(readFileSync(join(folder, name))).messages) {
        const controlId =
          /^MSH(?:\|[^|\r]*){8}\|([^|\r]+)/.exec(msg.raw.toString('latin1'))?.[1] ?? '';
        seen.set(controlId, (seen.get(controlId) ?? 0) + 1);
      }
    expect(seen.size).to.equal(60);
    expect([...seen.values()].every((n) => n === 1)).to.equal(true);
  });

  it('writes NDJSON lines, keeps to maxMessages, and names files by its template', async () => {
    h.writeChannel(
      'out.yaml',
      channel(", envelope: ndjson, maxMessages: 4, fileName: 'b-{first}-{count}.ndjson'"),
    );
    const running = await h.start();
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const ids = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        post(port, JSON.stringify({ n: i, note: 'a\nb' }), `j${i}`),
      ),
    );
    for (const id of ids) {
      const m = await settled(running, id);
      expect(m.status).to.equal('SENT');
      const place = (m.destinationResults['out'] as { output: Place }).output;
      expect(place.count).to.be.at.most(4);
      expect(place.file).to.match(/b-\d+-[1-4]\.ndjson$/);
      const line = readFileSync(place.file, 'utf8').split('\n')[place.index - 1] ?? '';
      expect(JSON.parse(line)).to.deep.equal({
        channel: 'out',
        id,
        controlId: m.controlId,
        content: m.raw?.toString(),
      });
    }
  });

  it('fails a message that is not HL7 for an hl7 batch file as ERROR, and writes the others', async () => {
    h.writeChannel('out.yaml', channel(''));
    const running = await h.start();
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const bad = await post(port, '{"not":"hl7"}', 'bad');
    const good = await post(port, hl7(1), 'good');
    const b = await settled(running, bad);
    expect(b.status).to.equal('ERROR');
    expect(b.error?.code).to.equal('DEST_REJECTED');
    expect((await settled(running, good)).status).to.equal('SENT');
  });

  it('asks for 64 messages a worker unless the channel sets a batch; one file per message keeps 16', () => {
    const build = (c: Record<string, unknown>) => ({
      destination: createFileDestination(FileDestinationSchema.parse({ folder: 'out', ...c }), {
        channelId: 'out',
        configDir: h.configDir,
        dataDir: h.dataDir,
        logger: createLogger({ level: 'silent' }),
        // The file destination never reads the engine's services; building one needs none.
        services: {} as EngineServices,
      }),
    });
    const batchFile = build({ mode: 'batch-file' });
    const perMessage = build({});
    expect(batchOf({ workers: 4, batch: undefined }, [batchFile])).to.equal(64);
    expect(batchOf({ workers: 4, batch: undefined }, [perMessage, batchFile])).to.equal(64);
    expect(batchOf({ workers: 4, batch: undefined }, [perMessage])).to.equal(16);
    expect(batchOf({ workers: 4, batch: 8 }, [batchFile])).to.equal(8);
    expect(batchOf({ workers: 1, batch: undefined }, [batchFile])).to.equal(1);
  });

  it("is read back message for message by another channel's HL7 batch file source", async function () {
    this.timeout(60_000);
    h.writeChannel('out.yaml', channel(''));
    // The second channel watches the first one's folder, as a PAS batch import would.
    h.writeChannel(
      'back.yaml',
      `id: back
source: { type: file, folder: drop/out, format: hl7-batch, pollIntervalMs: 50, stableMs: 100 }
destinations:
  - { name: copy, type: file, folder: back, fileName: '{id}.hl7' }
`,
    );
    const running = await h.start();
    const out = running.engine.channels().find((c) => c.id === 'out');
    const port = endpointPort(out?.source?.endpoint);
    const sent = Array.from({ length: 30 }, (_, i) => hl7(100 + i));
    await Promise.all(sent.map((body, i) => post(port, body, `r${i}`)));
    const back = join(h.dataDir, 'back');
    await eventually(() => {
      try {
        return readdirSync(back).filter((n) => n.endsWith('.hl7')).length === 30;
      } catch {
        return false;
      }
    }, 45_000);
    // Its control ids are the batch file's hash and the record number: match the copies by MSH-10.
    const copies = new Map(
      readdirSync(back).map((name) => {
        const raw = readFileSync(join(back, name), 'latin1').replace(/[\r\n]+$/, '');
        return [/^MSH(?:\|[^|\r]*){8}\|([^|\r]+)/.exec(raw)?.[1] ?? name, raw] as const;
      }),
    );
    for (let i = 0; i < 30; i++)
      expect(copies.get(`PAS${String(100 + i).padStart(7, '0')}`)).to.equal(
        sent[i]?.replace(/[\r\n]+$/, ''),
      );
  });
});
