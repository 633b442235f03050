import { expect } from 'chai';
import { failureIssues, loadChannels } from '../../src/config/index.js';
import { createHarness, type Harness } from '../support/engine-harness.js';

const channel = (id: string): string => `id: ${id}
source: { type: http, port: 0 }
destinations:
  - { name: out, type: file, folder: out }
`;

describe('channel file problems carry their catalogue codes (issue 17)', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(() => h.cleanup());

  it('a second file with the same channel id fails with CONFIG_DUPLICATE_CHANNEL', () => {
    h.writeChannel('a.yaml', channel('same'));
    h.writeChannel('b.yaml', channel('same'));
    const { channels, failures } = loadChannels(h.configDir, {});
    expect(channels.map((c) => c.id)).to.deep.equal(['same']);
    const [issue] = failureIssues(failures);
    expect(issue?.code).to.equal('CONFIG_DUPLICATE_CHANNEL');
    expect(issue?.location?.file).to.match(/b\.yaml$/);
  });

  it('a refused reload of a file that takes a running channel id names CONFIG_DUPLICATE_CHANNEL', async () => {
    h.writeChannel('a.yaml', channel('first'));
    const running = await h.start();
    h.writeChannel('b.yaml', channel('first'));
    const outcome = await running.engine.reloadAll('user:test');
    expect(outcome.ok).to.equal(false);
    expect(outcome.issues?.map((i) => i.code)).to.deep.equal(['CONFIG_DUPLICATE_CHANNEL']);
  });

  it('other channel file problems are CONFIG_INVALID issues with their line', () => {
    h.writeChannel('a.yaml', 'id: Bad Id\nsource: { type: http, port: 0 }\ndestinations: []\n');
    const issues = failureIssues(loadChannels(h.configDir, {}).failures);
    expect(issues.length).to.be.greaterThan(0);
    expect(issues.every((i) => i.code === 'CONFIG_INVALID')).to.equal(true);
    expect(issues[0]?.location?.line).to.equal(1);
  });
});
