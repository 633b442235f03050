/**
 * Issue 15 (SIU^S12 book, SIU^S14 defer): the PAS may send e-RS's slot id (SCH-1, namespace ERS)
 * and the referral version it holds (ZRF-7); only without them does the ers destination read e-RS
 * (A005 version, A015 slots page by page). A version e-RS refuses as stale (409) is re-read from
 * A005 once and sent again. Pure rules first, then through the shipped channel to NHS's sandbox
 * replay and to the embedded sandbox.
 */
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../../src/core/errors.js';
import {
  isVersionConflict,
  readsFor,
  wantsNextPage,
  type CompiledResolve,
} from '../../src/mapping/resolve.js';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { startNhsReplay, type NhsReplay } from '../support/nhs-replay/server.js';
import { copyMappings, send } from './e2e-support.js';
import { channelFor, finalStatus, SAMPLES } from './shipped-samples.js';

const BOOK: CompiledResolve = {
  version: true,
  slotRule: 'same-start',
  slotPages: { pageSize: 5, maxPages: 3 },
  names: ['version', 'slotId', 'start', 'end'],
  lineage: {},
};
const page = (ids: readonly string[], next: boolean): unknown => ({
  resourceType: 'Bundle',
  link: next ? [{ relation: 'next', url: 'x' }] : [],
  entry: ids.map((id) => ({
    resource: {
      resourceType: 'Slot',
      id,
      status: 'free',
      start: `2021-05-22T0${id}:00:00Z`,
      end: `2021-05-22T0${id}:30:00Z`,
    },
  })),
});

describe('issue 15: slot id and referral version from the PAS, e-RS reads only as fallback', () => {
  describe('pure rules', () => {
    it('reads nothing when the message carries the version and the slot', () => {
      expect(readsFor(BOOK, { version: '6', slotId: '11000021' })).to.deep.equal({
        referral: false,
        slots: false,
      });
    });
    it('reads A005 for the version, and A005 + A015 for a slot (A015 needs the priority)', () => {
      expect(readsFor(BOOK, { slotId: '11000021' })).to.deep.equal({
        referral: true,
        slots: false,
      });
      expect(readsFor(BOOK, { version: '6' })).to.deep.equal({ referral: true, slots: true });
      expect(readsFor({ ...BOOK, version: false, slotRule: undefined }, {})).to.deep.equal({
        referral: false,
        slots: false,
      });
    });
    it('pages A015 until the slot starting at the booked time is found, e-RS has no next page, or the limit', () => {
      const at = '2021-05-22T07:00:00Z';
      expect(wantsNextPage(BOOK, [page(['1', '2'], true)], at)).to.equal(true);
      expect(wantsNextPage(BOOK, [page(['1', '2'], true), page(['7'], true)], at)).to.equal(false);
      expect(wantsNextPage(BOOK, [page(['1'], false)], at)).to.equal(false);
      expect(
        wantsNextPage(BOOK, [page(['1'], true), page(['2'], true), page(['3'], true)], at),
      ).to.equal(false);
    });
    it('retries only a 409 version conflict (412 means mandatory data is missing)', () => {
      const conflict = (status: number) =>
        new EngineError('ERS_CONFLICT', 'x', { context: { status } });
      expect(isVersionConflict(conflict(409))).to.equal(true);
      expect(isVersionConflict(conflict(423))).to.equal(false);
      expect(
        isVersionConflict(new EngineError('ERS_REJECTED', 'x', { context: { status: 412 } })),
      ).to.equal(false);
    });
  });

  describe('through the shipped pas-inbound channel', function () {
    this.timeout(60_000);
    let h: Harness;
    let nhs: NhsReplay | undefined;
    beforeEach(() => {
      h = createHarness();
      copyMappings(h);
    });
    afterEach(async () => {
      await h.cleanup();
      await nhs?.close();
      nhs = undefined;
    });

    const s12 = readFileSync(join(SAMPLES, 'siu-s12-a016', 'input.hl7'), 'utf8').replace(
      '|AL|NE|',
      '|AL|AL|',
    );

    it("NHS's replay: without SCH-1 ^ERS, A015 pages of 5 are read until the slot at AIS-4 (11000007, page 2)", async () => {
      nhs = await startNhsReplay();
      const mapping = join(h.configDir, 'mappings', 'siu-s12-a016.yaml');
      writeFileSync(mapping, readFileSync(mapping, 'utf8').replace('pageSize: 20', 'pageSize: 5'));
      h.writeChannel('pas-inbound.yaml', channelFor('hl7/siu-s12.hl7'));
      const running = await h.start(
        `ers: { baseUrl: '${nhs.baseUrl}', codeSystemBase: _baseUrl_, auth: { mode: platform, accessToken: t, businessFunction: REFERRING_CLINICIAN, odsCode: R69 } }`,
      );
      // NHS's page 2 of 11000 (Page2PageSize5.json) has slot 11000007 at 16:06:56.873Z.
      const fallback = s12
        .replace('SCH|11000021^ERS|', 'SCH|NHSX-APPT-9^PAS|')
        .replace('|||||6\r', '\r')
        .replace(/\|20220711120000\+0000\|\|\|60\|MIN/, '|20210522160656.873+0000|||60|MIN');
      expect(fallback).to.not.equal(s12);
      await send(running, fallback);
      await finalStatus(running, 1);
      const answered = nhs.exchanges.map((e) => `${e.operation} ${e.status}`);
      expect(answered, nhs.report()).to.deep.equal([
        'A005 200',
        'A015 200',
        'A015 200',
        'A016 422',
      ]);
      expect(nhs.exchanges[2]?.query).to.include('_count=5&page=2');
      // NHS's only booking example is slot 11000021 at _history/6: this one differs there.
      expect(nhs.exchanges[3]?.nearest?.differences.join('\n')).to.include('Slot/11000007');
    });

    it('embedded sandbox: ZRF-7 version 6 is stale (the world holds 5): 409, A005 re-read once, booked at version 5', async () => {
      h.writeChannel('pas-inbound.yaml', channelFor('siu-s12-a016/input.hl7'));
      const running = await h.start('sandbox: { enabled: true, port: 0 }\n');
      await send(running, s12);
      expect(await finalStatus(running, 1)).to.deep.equal(['SENT']);
      const [summary] = await running.store.list({});
      const stored = await running.store.get(summary!.id);
      const result = stored?.destinationResults['ers'] as { request?: { body?: unknown } };
      const body = result.request?.body as {
        incomingReferral: { reference: string }[];
        slot: { reference: string }[];
      };
      expect(body.incomingReferral[0]?.reference).to.equal(
        'ReferralRequest/000000070000/_history/5',
      );
      expect(body.slot[0]?.reference).to.equal('Slot/11000021');
    });
  });
});
