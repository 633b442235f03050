import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '../support/recorder-destination.js';
import { resetRecorder } from '../support/recorder-destination.js';
import { createHarness, eventually, type Harness } from '../support/engine-harness.js';
import {
  copyShippedMappings,
  postHl7,
  recorderChannel,
  sourcePort,
} from '../support/mapping-fixtures.js';
import { EngineError } from '../../src/core/errors.js';
import { compileMappingFile, createMappingTransformer } from '../../src/mapping/index.js';

const channel = recorderChannel({ workers: 2 });

/** Posts to the channel's source, which takes the message (202): its stored id. */
async function postedId(port: number, body: string): Promise<number> {
  const res = await postHl7(port, body);
  expect(res.status).to.equal(202);
  return ((await res.json()) as { id: number }).id;
}

describe('mapping transformer in a running engine', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    resetRecorder();
    copyShippedMappings(h.configDir);
  });
  afterEach(() => h.cleanup());

  it('stores the logical inputs, lineage, unread-field warnings and the mapping hash of a mapped REF^I12', async () => {
    h.writeChannel('pas.yaml', channel);
    const running = await h.start();
    const port = sourcePort(running.engine);
    const id = await postedId(port, readFileSync('samples/ref-i12-a021/input.hl7', 'utf8'));
    const m = await eventually(async () => {
      const got = await running.store.get(id);
      return got?.status === 'SENT' ? got : undefined;
    });
    const expected = JSON.parse(
      readFileSync('samples/ref-i12-a021/expected-inputs.json', 'utf8'),
    ) as unknown;
    const stored = m.mappedInput as {
      operation: string;
      input: unknown;
      warnings: string[];
      lineage: Record<string, string>;
    };
    expect(stored.operation).to.equal('A021');
    expect(stored.input).to.deep.equal(expected);
    expect(stored.warnings).to.include('unread: OBX-5');
    expect(stored.lineage['priority']).to.equal('hl7v2:RF1-2.1 → table:priority');
    expect(m.mappingHash).to.equal(
      compileMappingFile(join(h.configDir, 'mappings', 'ref-i12-a021.yaml')).hash,
    );
  });

  it('puts a message no mapping applies to in ERROR with MAP_NO_MATCHING_MAPPING', async () => {
    h.writeChannel('pas.yaml', channel);
    const running = await h.start();
    const port = sourcePort(running.engine);
    const adt = readFileSync('samples/hl7/adt-a04.hl7', 'utf8');
    const id = await postedId(port, adt);
    const m = await eventually(async () => {
      const got = await running.store.get(id);
      return got?.status === 'ERROR' ? got : undefined;
    });
    expect(m.error?.code).to.equal('MAP_NO_MATCHING_MAPPING');
  });
});

describe('mapping transformer creation', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    copyShippedMappings(h.configDir);
  });
  afterEach(() => h.cleanup());

  it('refuses to create (and so to reload) when any mapping fails to compile, listing every file', () => {
    writeFileSync(
      join(h.configDir, 'mappings', 'bad.yaml'),
      'id: bad\ninput: hl7v2\noperation: A999\ninputs: {}\n',
    );
    let caught: unknown;
    try {
      createMappingTransformer(
        { mappings: ['mappings/ref-i12-a021.yaml', 'mappings/bad.yaml', 'mappings/missing.yaml'] },
        { configDir: h.configDir },
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(EngineError);
    expect((caught as EngineError).code).to.equal('MAP_COMPILE_ERROR');
    expect((caught as EngineError).message).to.match(/bad\.yaml:3:12: unknown operation "A999"/);
    expect((caught as EngineError).message).to.contain('missing.yaml');
  });
});
