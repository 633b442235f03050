import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHarness, type Harness } from '../support/engine-harness.js';
import type { RunningEngine } from '../../src/main/run.js';
import { messagesProcessed } from '../../src/core/metrics.js';
import { channelOverviews } from '../../src/admin/service/channel-overview.js';
import { loadChannelFile } from '../../src/config/load-channels.js';
// The mapping stage provides the channel filter's compiler, as in the running program.
import '../../src/mapping/index.js';
import { compileMappingText } from '../../src/mapping/compile.js';
import { ackValue } from '../sources/mllp/support.js';
import { copyMappings, REPO, RC, sample, sandboxSettings, send } from './e2e-support.js';

// The shipped channel (channels/pas-inbound.yaml, with its filter) on port 0, through a real
// engine, MLLP source and the embedded sandbox.
const shipped = readFileSync(join(REPO, 'channels', 'pas-inbound.yaml'), 'utf8')
  .replace('port: ${ERS_BRIDGE_MLLP_PORT:-2575}', 'port: 0')
  .replace('applicationTimeoutMs: 10000', 'applicationTimeoutMs: 20000')
  .replace(
    /retry:\n.*\n/,
    'retry: { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 50, jitterRatio: 0 }\n',
  );

/** The ADT^A08 sample in enhanced mode: MSH-15 (commit) and MSH-16 (application) both AL. */
const enhanced = (text: string): string => text.replace(/\|P\|2\.4(?=[\r\n])/, '|P|2.4|||AL|AL');

/** The reason the engine wrote when it moved the message to FILTERED. */
async function filterReason(running: RunningEngine, id: number): Promise<unknown> {
  const events = await running.store.events(id);
  return events.find((e) => e.status === 'FILTERED' && e.stage === 'transform')?.detail['reason'];
}

async function filteredCount(running: RunningEngine, channel: string): Promise<number> {
  const metric = await messagesProcessed.get();
  return metric.values
    .filter((v) => v.labels.channel === channel && v.labels.status === 'FILTERED')
    .reduce((sum, v) => sum + v.value, 0);
}

describe('filters: the shipped PAS channel accepts and leaves out what is not for e-RS', () => {
  let h: Harness;
  let running: RunningEngine;
  beforeEach(async () => {
    h = createHarness();
    copyMappings(h);
    h.writeChannel('pas-inbound.yaml', shipped);
    running = await h.start(sandboxSettings(RC));
  });
  afterEach(() => h.cleanup());

  it('answers an ADT^A08 with AA, keeps it FILTERED with the reason, and counts it', async () => {
    const before = await filteredCount(running, 'pas-inbound');
    const ack = await send(running, sample('adt-a08.hl7'));
    expect(ackValue(ack, 'MSA-1'), ack).to.equal('AA');
    expect(ackValue(ack, 'MSA-2'), ack).to.equal('PAS0000128');
    const [summary] = await running.store.list({ channel: 'pas-inbound' });
    const stored = await running.store.get(summary!.id);
    expect(stored?.status).to.equal('FILTERED');
    expect(stored?.error).to.equal(null);
    expect(await filterReason(running, summary!.id)).to.match(/^not for e-RS/);
    expect(await filteredCount(running, 'pas-inbound')).to.equal(before + 1);
    const [overview] = await channelOverviews({
      channels: running.engine.channels(),
      store: running.store,
      now: Date.now(),
    });
    expect(overview?.counts.FILTERED).to.equal(1);
    expect(overview?.counts.ERROR ?? 0).to.equal(0);
  });

  it('answers an enhanced-mode ADT with CA, not AA', async () => {
    const ack = await send(running, enhanced(sample('adt-a08.hl7')));
    expect(ackValue(ack, 'MSA-1'), ack).to.equal('CA');
    const [summary] = await running.store.list({ channel: 'pas-inbound' });
    expect(summary?.status).to.equal('FILTERED');
  });

  it('still sends a REF^I12 to e-RS after an ADT (AA with the UBRN, SENT)', async () => {
    await send(running, sample('adt-a08.hl7'));
    const ack = await send(running, sample('ref-i12.hl7'));
    expect(ackValue(ack, 'MSA-1'), ack).to.equal('AA');
    expect(ackValue(ack, 'MSA-3'), ack).to.match(/^UBRN \d{12}$/);
    const statuses = (await running.store.list({ channel: 'pas-inbound' })).map((m) => m.status);
    expect(statuses.sort()).to.deep.equal(['FILTERED', 'SENT']);
  });

  it('keeps a message no mapping handles and no filter drops as ERROR with an AR', async () => {
    // SIU^S13 (reschedule): a scheduling message, deliberately not filtered, and not mapped.
    const text = sample('siu-s12.hl7').replace('SIU^S12', 'SIU^S13');
    const ack = await send(running, text);
    expect(ackValue(ack, 'MSA-1'), ack).to.equal('AR');
    const [summary] = await running.store.list({ channel: 'pas-inbound' });
    expect(summary?.status).to.equal('ERROR');
    expect(summary?.errorCode).to.equal('MAP_NO_MATCHING_MAPPING');
  });
});

describe('filters: a mapping-level filter', () => {
  let h: Harness;
  afterEach(() => h.cleanup());

  it('leaves out a message its mapping applies to, while others of the same type are mapped', async () => {
    h = createHarness();
    copyMappings(h);
    // The shipped REF^I12 → A021 mapping, told to leave out referrals whose RF1-1 status is C.
    const file = join(h.configDir, 'mappings', 'ref-i12-a021.yaml');
    const text = readFileSync(file, 'utf8').replace(
      'operation: A021\n',
      'filter: { drop: RF1-1.1 = C, reason: cancelled at the PAS }\noperation: A021\n',
    );
    writeFileSync(file, text);
    h.writeChannel('pas-inbound.yaml', shipped);
    const running = await h.start(sandboxSettings(RC));
    const cancelled = await send(
      running,
      sample('ref-i12.hl7').replace('RF1|P^', 'RF1|C^').replace('PAS0000123', 'PAS0000901'),
    );
    // The sample asks for enhanced-mode acknowledgements (MSH-15/16 AL): a filtered one gets CA.
    expect(ackValue(cancelled, 'MSA-1'), cancelled).to.equal('CA');
    const pending = await send(running, sample('ref-i12.hl7'));
    expect(ackValue(pending, 'MSA-3'), pending).to.match(/^UBRN \d{12}$/);
    const list = await running.store.list({ channel: 'pas-inbound' });
    const byControl = Object.fromEntries(list.map((m) => [m.id, m.status]));
    expect(Object.values(byControl).sort()).to.deep.equal(['FILTERED', 'SENT']);
    const filtered = list.find((m) => m.status === 'FILTERED');
    expect(await filterReason(running, filtered!.id)).to.equal('cancelled at the PAS');
  });
});

describe('filters: bad syntax is refused at load with file and line', () => {
  let h: Harness | undefined;
  afterEach(() => h?.cleanup());

  it('names the channel file and line of a filter condition that does not parse', () => {
    h = createHarness();
    h.writeChannel(
      'bad.yaml',
      [
        'id: bad',
        'source: { type: mllp, port: 0 }',
        'filter:',
        '  drop: MSH-9.1 in (ADT, ORM',
        'destinations:',
        '  - { name: out, type: file, folder: out }',
        '',
      ].join('\n'),
    );
    const loaded = loadChannelFile(join(h.configDir, 'channels', 'bad.yaml'), {});
    expect(loaded.ok).to.equal(false);
    if (loaded.ok) return;
    const issue = loaded.issues.find((i) => i.path === 'filter.drop');
    expect(issue?.line, JSON.stringify(loaded.issues)).to.equal(4);
    expect(issue?.message).to.match(/bad condition at column \d+: expected/);
  });

  it('names the mapping file, line and column of a bad filter path', () => {
    const text = readFileSync(join(REPO, 'mappings', 'ref-i12-a021.yaml'), 'utf8').replace(
      'operation: A021\n',
      'filter:\n  keep: RF1-1.1 = P and ZRF-3 is there\noperation: A021\n',
    );
    const result = compileMappingText(text, {
      file: 'mappings/x.yaml',
      tablesDir: join(REPO, 'mappings', 'tables'),
    });
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    const line = text.split('\n').findIndex((l) => l.includes('keep:')) + 1;
    const issue = result.issues.find((i) => i.line === line);
    expect(issue, JSON.stringify(result.issues)).to.not.equal(undefined);
    expect(issue?.message).to.match(/^bad condition/);
    expect(issue?.message).to.include('unknown operator "is"');
    expect(issue?.column).to.equal(text.split('\n')[line - 1]!.indexOf(' is ') + 2);
  });
});
