import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../../src/core/errors.js';
import { compileMappingFile, createMappingTransformer } from '../../src/mapping/index.js';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { REPLY_CHANNEL } from '../support/mapping-fixtures.js';

// Two problems in one file: an unknown operation (line 3, column 12) and an unknown key (5:1).
const TWO_PROBLEMS = 'id: twice\ninput: hl7v2\noperation: A999\ninputs: {}\nbogus: 1\n';
const GOOD = 'id: good\ninput: json\noperation: A005\ninputs:\n  ubrn: ubrn\n';

function thrown(run: () => unknown): EngineError {
  try {
    run();
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error('expected an EngineError');
}

describe('mapping compile problems travel as structured issues (issue 17)', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(() => h.cleanup());

  it('a mapping file that does not compile carries each problem with its code, file, line and column', () => {
    const file = join(h.configDir, 'mappings', 'twice.yaml');
    writeFileSync(file, TWO_PROBLEMS);
    const error = thrown(() => compileMappingFile(file));
    expect(error.issues.map((i) => [i.code, i.location])).to.deep.equal([
      ['MAP_COMPILE_ERROR', { file, line: 3, col: 12 }],
      ['MAP_COMPILE_ERROR', { file, line: 5, col: 1 }],
    ]);
    expect(error.issues[1]?.message).to.equal('unknown key "bogus"');
    expect(error.issues[1]?.hint).to.match(/^top-level keys: /);
  });

  it('the mapping transformer carries every problem of every file, an unreadable one by its file', () => {
    writeFileSync(join(h.configDir, 'mappings', 'twice.yaml'), TWO_PROBLEMS);
    const error = thrown(() =>
      createMappingTransformer(
        { mappings: ['mappings/twice.yaml', 'mappings/missing.yaml'] },
        { configDir: h.configDir },
      ),
    );
    expect(error.code).to.equal('MAP_COMPILE_ERROR');
    expect(error.issues.map((i) => i.location?.line)).to.deep.equal([3, 5, undefined]);
    expect(error.issues[2]?.location?.file).to.match(/missing\.yaml$/);
    expect(error.toJSON().issues).to.have.length(3);
  });

  it('a refused reload lists each compile problem on its own line, with the structured issues', async () => {
    writeFileSync(join(h.configDir, 'mappings', 'm.yaml'), GOOD);
    h.writeChannel('api.yaml', REPLY_CHANNEL);
    const running = await h.start();
    expect(running.failures).to.deep.equal([]);
    writeFileSync(join(h.configDir, 'mappings', 'm.yaml'), TWO_PROBLEMS);
    const outcome = await running.engine.reloadChannel('api', 'user:test');
    expect(outcome.ok).to.equal(false);
    expect(outcome.errors).to.have.length(2);
    expect(outcome.errors[0]).to.match(/m\.yaml:3:12: unknown operation "A999"/);
    expect(outcome.errors[1]).to.match(/m\.yaml:5:1: unknown key "bogus"/);
    expect(outcome.issues?.map((i) => i.location?.line)).to.deep.equal([3, 5]);
  });
});
