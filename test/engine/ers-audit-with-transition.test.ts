import { expect } from 'chai';
import type { RunningEngine } from '../../src/main/run.js';
import type { MessageStatus, Transition } from '../../src/core/store-types.js';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../support/engine-harness.js';

/**
 * Decision 180 (issue 20): the audit row of an e-RS call a destination makes commits in the same
 * transaction as the message's next transition (SENT, or the failure), not in a commit of its own
 * awaited before it. The real store is observed, not replaced: its two write methods are wrapped
 * to note what each call carried, then do what they always do.
 */
const channel = `
id: ers-audit
source: { type: http, port: 0, orderingKey: [nhsNumber] }
destinations:
  - { name: ers, type: ers, operation: A021 }
retry: { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 50, jitterRatio: 0 }
`;

interface Seen {
  ownAuditWrites: number;
  transitions: { id: number; to: MessageStatus; audits: string[] }[];
}

function observe(running: RunningEngine): Seen {
  const seen: Seen = { ownAuditWrites: 0, transitions: [] };
  const store = running.store;
  const appendErsAudit = store.appendErsAudit.bind(store);
  const transition = store.transition.bind(store);
  store.appendErsAudit = (entry) => {
    seen.ownAuditWrites++;
    return appendErsAudit(entry);
  };
  store.transition = (id: number, t: Transition) => {
    seen.transitions.push({ id, to: t.to, audits: (t.ersAudit ?? []).map((a) => a.endpoint) });
    return transition(id, t);
  };
  return seen;
}

describe('engine: e-RS audit rows commit with the message transition (decision 180)', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(() => h.cleanup());

  async function run(body: Record<string, unknown>, final: MessageStatus) {
    h.writeChannel('c.yaml', channel);
    const running = await h.start('sandbox: { enabled: true, port: 0 }\n');
    const seen = observe(running);
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const res = await fetch(`http://127.0.0.1:${port}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const { id } = (await res.json()) as { id: number };
    const message = await eventually(async () => {
      const got = await running.store.get(id);
      return got?.status === final ? got : undefined;
    });
    return { running, seen, message };
  }

  it('writes the call’s audit row with the SENT transition, in no commit of its own', async () => {
    const { running, seen, message } = await run(
      { nhsNumber: '9912003888', priority: 'ROUTINE', serviceIds: ['11004'] },
      'SENT',
    );
    expect(seen.ownAuditWrites).to.equal(0);
    const mine = seen.transitions.filter((t) => t.id === message.id);
    // The in-flight marker before the call carries nothing; the SENT carries the call's row.
    expect(mine.map((t) => [t.to, t.audits])).to.deep.equal([
      ['TRANSFORMED', []],
      ['SENT', ['A021']],
    ]);
    const rows = await running.store.listErsAudit({});
    expect(rows.map((r) => [r.endpoint, r.detail['httpStatus']])).to.deep.equal([['A021', 201]]);
  });

  it('writes a refused call’s audit row with the failure transition', async () => {
    const { running, seen, message } = await run(
      // Directly bookable: A021 (send for triage) refuses it with a 422.
      { nhsNumber: '9912003888', priority: 'ROUTINE', serviceIds: ['11000'] },
      'ERROR',
    );
    expect(seen.ownAuditWrites).to.equal(0);
    const last = seen.transitions.filter((t) => t.id === message.id).at(-1);
    expect(last).to.deep.equal({ id: message.id, to: 'ERROR', audits: ['A021'] });
    const rows = await running.store.listErsAudit({});
    expect(rows.map((r) => [r.endpoint, r.detail['httpStatus']])).to.deep.equal([['A021', 422]]);
  });
});
