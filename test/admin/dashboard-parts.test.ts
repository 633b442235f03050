import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.js';
import type { MessageStore } from '../../src/core/store-types.js';
import { readAuditPage } from '../../src/admin/service/audit-query.js';
import { perMinute } from '../../src/admin/service/channel-overview.js';
import { sharedRecent } from '../../src/admin/service/overview-cache.js';
import { initialsOf, maskNhsNumber, messageFacts } from '../../src/admin/service/patient-facts.js';
import { summaryFromQuery, summaryParams } from '../../src/admin/views/bulk-summary.js';
import { shortControlId } from '../../src/admin/views/messages.js';
import { SAMPLE_HL7 } from './support/fixtures.js';

const base = {
  contentType: 'application/hl7-v2',
  messageType: 'REF^I12',
  sourceMeta: {},
  searchKeys: {},
  mappedInput: null,
  destinationResults: {},
};

describe('dashboard parts (pure, and the audit pager on a real SQLite store)', () => {
  it('masks an NHS number to its last four digits and a name to initials', () => {
    expect(maskNhsNumber('943 476 5919')).to.equal('••• ••• 5919');
    expect(maskNhsNumber('12345')).to.equal(null);
    expect(initialsOf(['Jane', 'anne'], 'Doe')).to.equal('J. A. D.');
    expect(initialsOf([], '')).to.equal(null);
  });

  it('reads the patient from PID-3 (NH) and PID-5 of an HL7 body and labels its control id MSH-10', () => {
    const facts = messageFacts({ ...base, raw: Buffer.from(SAMPLE_HL7) });
    expect(facts).to.deep.include({
      controlIdLabel: 'MSH-10',
      nhsNumber: '••• ••• 5919',
      initials: 'J. D.',
      sourceFile: null,
    });
  });

  it('gives a CSV row its file, row, masked NHS number and UBRN, and never calls its id MSH-10', () => {
    const facts = messageFacts({
      ...base,
      contentType: 'application/x-csv-row+json',
      messageType: 'csv-row',
      raw: Buffer.from(JSON.stringify({ row: 3, columns: { nhs_number: '991 200 3888' } })),
      sourceMeta: { file: 'extract.csv', row: 3, sha256: 'ab' },
      destinationResults: { ers: { output: { ubrn: '000000070042' } } },
    });
    expect(facts).to.deep.equal({
      controlIdLabel: 'Row id (file hash:row)',
      ubrn: '000000070042',
      nhsNumber: '••• ••• 3888',
      initials: null,
      sourceFile: 'extract.csv',
      sourceRow: 3,
      resentFrom: null,
    });
  });

  it('counts a rate per minute over the last five minutes', () => {
    const now = 1_000_000;
    expect(perMinute([now, now - 1, now - 299_999, now - 300_000, now + 1], now)).to.equal(0.6);
  });

  it('reads a bulk summary back from its redirect, dropping anything that is not ours', () => {
    const summary = {
      action: 'reprocess' as const,
      done: [4, 5],
      skipped: [{ id: 6, reason: 'leased' as const }],
    };
    expect(summaryFromQuery(summaryParams(summary))).to.deep.equal(summary);
    expect(
      summaryFromQuery({ bulk: 'reprocess', done: '1,x,<b>', skipped: '2:<script>,3:in-flight' }),
    ).to.deep.equal({ action: 'reprocess', done: [1], skipped: [{ id: 3, reason: 'in-flight' }] });
    expect(summaryFromQuery({ bulk: 'delete' })).to.equal(undefined);
  });

  it('shortens a file row id and leaves an MSH-10 as it is', () => {
    expect(shortControlId(`${'ab'.repeat(32)}:17`)).to.equal('abababab…:17');
    expect(shortControlId('PAS0000201')).to.equal('PAS0000201');
  });

  it('shares one card computation between live pages, for longer when it is costly', async () => {
    let now = 0;
    let runs = 0;
    let cost = 10;
    const read = sharedRecent({
      clock: () => now,
      minAgeMs: 1000,
      costFactor: 5,
      compute: () => {
        runs += 1;
        now += cost;
        return Promise.resolve(runs);
      },
    });
    expect(await Promise.all([read(), read()])).to.deep.equal([1, 1]);
    now += 900;
    expect(await read()).to.equal(1);
    now += 200;
    cost = 400;
    expect(await read()).to.equal(2);
    now += 1500; // younger than 5 × 400 ms
    expect(await read()).to.equal(2);
    now += 600;
    expect(await read()).to.equal(3);
  });

  describe('audit pager', () => {
    let dir: string;
    let store: MessageStore;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'ers-audit-pager-'));
      store = await openStore({ url: 'sqlite', dataDir: dir });
      // Ten rows in one millisecond, so the cursor must carry the id as well as the time.
      for (let i = 0; i < 10; i++)
        await store.appendAudit({
          at: 5_000,
          actor: i % 2 === 0 ? 'user:alice' : 'user:bob',
          action: i % 3 === 0 ? 'message.view' : 'channel.stop',
          target: `t${i}`,
          detail: {},
        });
    });
    after(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('pages through rows of one millisecond without repeating or skipping one', async () => {
      const seen: string[] = [];
      let before: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const page = await readAuditPage(store, before ? { before } : {}, 3);
        seen.push(...page.entries.map((e) => e.target ?? ''));
        if (page.next === null) break;
        before = page.next;
      }
      expect(seen).to.deep.equal(['t9', 't8', 't7', 't6', 't5', 't4', 't3', 't2', 't1', 't0']);
    });

    it('filters by who (any part, any case) and action (start), and by day', async () => {
      const page = await readAuditPage(store, { actor: 'ALICE', action: 'message.' });
      expect(page.entries.map((e) => e.target)).to.deep.equal(['t6', 't0']);
      const none = await readAuditPage(store, { from: '1970-01-02' });
      expect(none.entries).to.deep.equal([]);
      const day = await readAuditPage(store, { from: '1970-01-01', to: '1970-01-01' });
      expect(day.entries).to.have.length(10);
    });
  });
});
