import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { createHarness, type Harness } from '../../support/engine-harness.js';

// A reply destination (or an ers `then` step) reads the mapping that mapped the message; in a
// channel without a mapping transformer it could only fail every message, so the channel is
// refused when it is built, naming the channel file and line.
const channel = (destination: string, transformer = '') => `id: no-mapping
source:
  type: http
  port: 0
${transformer}destinations:
  - name: ers
    type: ers
  - name: answer
${destination}
`;

describe('reply destination: refused at build time in a channel without a mapping transformer', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(() => h.cleanup());

  it('refuses a reply destination with the channel file and the line of its type', async () => {
    h.writeChannel('no-mapping.yaml', channel('    type: reply'));
    const running = await h.start();
    expect(running.engine.channels()).to.have.length(0);
    const failure = running.failures.join('\n');
    expect(failure, failure).to.match(
      /no-mapping\.yaml:9: destination "answer" \(type reply\) needs a mapping transformer/,
    );
  });

  it("refuses an ers destination running the mapping's then step the same way", async () => {
    h.writeChannel('no-mapping.yaml', channel('    type: ers\n    step: then'));
    const running = await h.start();
    expect(running.failures.join('\n')).to.match(
      /no-mapping\.yaml:9: destination "answer" \(type ers\) needs a mapping transformer/,
    );
  });

  it('builds the same channel once it has a mapping transformer', async () => {
    h.writeChannel(
      'no-mapping.yaml',
      channel('    type: reply', 'transformer:\n  type: mapping\n  mappings: [mappings/m.yaml]\n'),
    );
    writeFileSync(
      `${h.configDir}/mappings/m.yaml`,
      'id: m\ninput: json\noperation: A005\ninputs:\n  ubrn: ubrn\n',
    );
    const running = await h.start();
    expect(running.failures).to.deep.equal([]);
    expect(running.engine.channels()).to.have.length(1);
  });
});
