import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { frameMllp } from '../../src/sources/mllp/index.js';
import type { RunningEngine } from '../../src/main/run.js';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../support/engine-harness.js';
import '../support/recorder-destination.js';
import { adt, exchange } from '../sources/mllp/support.js';
import { Client } from '../admin/support/http-client.js';
import { startSmtpPeer, startWebhookPeer, type SmtpPeer, type WebhookPeer } from './peers.js';

interface NoticeBody {
  kind: string;
  incident: { rule: string; subject: string; summary: string; severity: string };
}
const notices = (peer: WebhookPeer): NoticeBody[] =>
  peer.bodies.flatMap((b) => b['notices'] as NoticeBody[]);
const find = (peer: WebhookPeer, kind: string, rule: string): NoticeBody | undefined =>
  notices(peer).find((n) => n.kind === kind && n.incident.rule === rule);

/** An MLLP channel whose destination refuses (ERROR) every message whose text holds "fail". */
const channel = (extra = ''): string =>
  [
    'id: feed',
    'source: { type: mllp, port: 0 }',
    'destinations:',
    '  - { name: out, type: test-recorder, failWith: DEST_REJECTED }',
    extra,
    '',
  ].join('\n');

const alertSettings = (webhook: WebhookPeer, smtp: SmtpPeer, rules: string): string =>
  `alerts: { intervalMs: 150, clearAfterChecks: 1, delivery: { minIntervalMs: 0, retryDelayMs: 100, maxRetryDelayMs: 400 }, rules: { silence: false, ${rules} }, receivers: [ { type: webhook, name: ops-hook, url: "${webhook.url}" }, { type: email, name: ops-mail, host: 127.0.0.1, port: ${smtp.port}, from: ers-bridge@trust.example, to: [ops@trust.example] } ] }`;

async function login(running: RunningEngine, dataDir: string): Promise<Client> {
  const client = new Client(running.adminUrl ?? '');
  const password = readFileSync(join(dataDir, 'initial-admin-password'), 'utf8').trim();
  const reply = await client.login('admin', password);
  expect(reply.status).to.equal(303);
  return client;
}

describe('alerts through a real engine, webhook receiver and SMTP server', () => {
  let h: Harness;
  let webhook: WebhookPeer;
  let smtp: SmtpPeer;
  beforeEach(async () => {
    h = createHarness();
    webhook = await startWebhookPeer();
    smtp = await startSmtpPeer();
  });
  afterEach(async () => {
    await h.cleanup();
    await webhook.close();
    await smtp.close();
  });

  it('shows a refused reload in /api/channels and alerts once, then sends a recovery when fixed', async () => {
    h.writeChannel('feed.yaml', channel());
    const running = await h.start(alertSettings(webhook, smtp, ''));
    const client = await login(running, h.dataDir);
    h.writeChannel('feed.yaml', channel('workers: 0'));
    const refused = await running.engine.reloadAll('test');
    expect(refused.ok).to.equal(false);
    const channels = (await client.get('/api/channels')).json<{
      channels: { id: string; lastError: string | null; state: string }[];
    }>().channels;
    expect(channels[0]?.state).to.equal('STARTED');
    expect(channels[0]?.lastError).to.match(
      /^reload refused, previous version kept: .*feed\.yaml:\d+/,
    );
    const opened = await eventually(() => find(webhook, 'opened', 'reloadRefused'));
    expect(opened.incident.subject).to.equal('feed');
    expect(opened.incident.severity).to.equal('critical');
    await eventually(() => smtp.mails.find((m) => m.subject.includes('ALERT: reloadRefused feed')));
    const api = (await client.get('/api/alerts')).json<{ open: { rule: string }[] }>();
    expect(api.open.map((i) => i.rule)).to.deep.equal(['reloadRefused']);

    h.writeChannel('feed.yaml', channel());
    expect((await running.engine.reloadAll('test')).ok).to.equal(true);
    await eventually(() => find(webhook, 'recovered', 'reloadRefused'));
    await eventually(() => smtp.mails.find((m) => m.subject.includes('RECOVERED: reloadRefused')));
    const after = (await client.get('/api/channels')).json<{
      channels: { lastError: string | null }[];
    }>().channels;
    expect(after[0]?.lastError).to.equal(null);
    const reloadNotices = notices(webhook).filter((n) => n.incident.rule === 'reloadRefused');
    expect(reloadNotices.map((n) => n.kind)).to.deep.equal(['opened', 'recovered']);
    expect(smtp.mails[0]?.to).to.deep.equal(['ops@trust.example']);
  });

  it('does not announce an incident again after a restart while it stays open', async () => {
    h.writeChannel('feed.yaml', channel('workers: 0'));
    const settings = alertSettings(webhook, smtp, '');
    const first = await h.start(settings);
    await eventually(() => find(webhook, 'opened', 'reloadRefused'));
    await first.stop();
    const second = await h.start(settings);
    for (let i = 0; i < 3; i++) await second.engine.services.alerts?.checkNow();
    expect(second.engine.services.alerts?.view().open.map((i) => i.rule)).to.deep.equal([
      'reloadRefused',
    ]);
    expect(notices(webhook)).to.have.length(1);
  });

  it('alerts on a channel that cannot start because its port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const { port } = taken.address() as AddressInfo;
    try {
      h.writeChannel('feed.yaml', channel().replace('port: 0', `port: ${port}`));
      const running = await h.start(alertSettings(webhook, smtp, ''));
      expect(running.engine.channels()[0]?.state).to.equal('FAILED');
      const opened = await eventually(() => find(webhook, 'opened', 'channelFailed'));
      expect(opened.incident.subject).to.equal('feed');
      expect(opened.incident.summary).to.match(/^channel feed is not running: .*in use/);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  it('sends one alert for a burst of errors, with no patient data in it', async () => {
    h.writeChannel('feed.yaml', channel());
    const running = await h.start(
      alertSettings(webhook, smtp, 'errors: { threshold: 3, windowMinutes: 5 }'),
    );
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const frames = Array.from({ length: 8 }, (_, i) => frameMllp(adt(`C${i}`, 'fail')));
    await exchange(port, frames, { expect: 8, timeoutMs: 20_000 });
    await eventually(async () => (await running.store.countByStatus())['feed']?.ERROR === 8);
    await eventually(() => find(webhook, 'opened', 'errors'));
    // More checks while the errors stay: no further notice.
    const check = running.engine.services.alerts;
    for (let i = 0; i < 3; i++) await check?.checkNow();
    await eventually(() => smtp.mails.length >= 1);
    expect(notices(webhook).filter((n) => n.incident.rule === 'errors')).to.have.length(1);
    expect(smtp.mails.filter((m) => m.subject.includes('errors'))).to.have.length(1);
    // The incident's summary follows the count; the notice said it once, at the threshold.
    const open = check?.view().open.find((i) => i.rule === 'errors');
    expect(open?.summary).to.include('8 messages in ERROR or DEAD');
    expect(find(webhook, 'opened', 'errors')?.incident.summary).to.match(/^\d messages in ERROR/);
    const everything = JSON.stringify(webhook.bodies) + smtp.mails.map((m) => m.raw).join('');
    expect(everything).to.not.include('9912003888');
    expect(everything).to.not.include('Smith');
  });

  it('backs off from a failing webhook and delivers what waited in one message', async () => {
    h.writeChannel('feed.yaml', channel());
    webhook.failNext(3);
    // Checked by hand (the timer's interval is long), so both refusals are found in one check.
    const running = await h.start(
      alertSettings(webhook, smtp, '').replace('intervalMs: 150', 'intervalMs: 600000'),
    );
    h.writeChannel('other.yaml', 'id: other\nsource: { type: nope }\ndestinations: []\n');
    h.writeChannel('feed.yaml', channel('workers: 0'));
    await running.engine.reloadAll('test');
    await running.engine.services.alerts?.checkNow();
    await eventually(() => find(webhook, 'opened', 'reloadRefused'));
    // Three refusals, then one delivery carrying both incidents: four requests, not one a check.
    expect(webhook.attempts.map((a) => a.status)).to.deep.equal([500, 500, 500, 204]);
    expect(notices(webhook).map((n) => n.incident.subject)).to.have.members([
      'feed',
      join(h.configDir, 'channels', 'other.yaml'),
    ]);
    // The email receiver did not wait for the webhook: its message went out at once.
    expect(smtp.mails[0]?.subject).to.match(/2 alerts: 2 opened, 0 recovered/);
    // The receiver's failure count resets once the engine has the 204, which comes just after the
    // peer recorded the request.
    await eventually(
      () =>
        running.engine.services.alerts?.view().receivers.find((r) => r.name === 'ops-hook')
          ?.failures === 0,
    );
  });

  it('alerts when e-RS refuses calls in a row (401), and recovers after a call succeeds', async function () {
    h.writeChannel(
      'pas.yaml',
      readFileSync(join(process.cwd(), 'channels', 'pas-inbound.yaml'), 'utf8')
        .replace('port: ${ERS_BRIDGE_MLLP_PORT:-2575}', 'port: 0')
        .replace(/retry:\n.*\n/, 'retry: { maxAttempts: 1 }\n'),
    );
    mkdirSync(join(h.configDir, 'mappings'), { recursive: true });
    execFileSync('cp', ['-r', join(process.cwd(), 'mappings'), h.configDir]);
    const running = await h.start(
      [
        'sandbox: { enabled: true, port: 0 }',
        alertSettings(webhook, smtp, 'ersAuth: { streak: 2 }'),
      ].join('\n'),
    );
    const sandboxUrl = running.engine.services.sandbox?.url ?? '';
    const faults = (body: unknown) =>
      fetch(`${sandboxUrl}/_sandbox/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await faults({ failNext: [{ status: 401 }, { status: 401 }, { status: 401 }] });
    const port = endpointPort(running.engine.channels()[0]?.source?.endpoint);
    const ref = readFileSync(join(process.cwd(), 'samples', 'hl7', 'ref-i12.hl7'), 'utf8');
    await exchange(port, [frameMllp(ref.replace('PAS0000123', 'R1'))], {
      expect: 1,
      timeoutMs: 20_000,
    });
    await exchange(port, [frameMllp(ref.replace('PAS0000123', 'R2'))], {
      expect: 1,
      timeoutMs: 20_000,
    });
    const opened = await eventually(() => find(webhook, 'opened', 'ersAuth'));
    expect(opened.incident.summary).to.match(/^the last \d+ e-RS calls were refused \(401×\d+\)/);
    await faults({});
    await exchange(port, [frameMllp(ref.replace('PAS0000123', 'R3'))], {
      expect: 1,
      timeoutMs: 20_000,
    });
    await eventually(() => find(webhook, 'recovered', 'ersAuth'), 20_000);
  });

  it('warns of a certificate that expires within the configured days', () => {
    // Checked with openssl, as an operator would make one; the rule reads the PEM file.
    return (async () => {
      mkdirSync(join(h.configDir, 'certs'), { recursive: true });
      const cert = join(h.configDir, 'certs', 'mllp.pem');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '3',
          '-subj',
          '/CN=ers-bridge-test',
          '-keyout',
          join(h.configDir, 'certs', 'mllp.key'),
          '-out',
          cert,
        ],
        { stdio: 'ignore' },
      );
      h.writeChannel('feed.yaml', channel());
      await h.start(alertSettings(webhook, smtp, 'expiry: { days: 14, files: [certs/mllp.pem] }'));
      const opened = await eventually(() => find(webhook, 'opened', 'expiry'));
      expect(opened.incident.subject).to.equal(cert);
      expect(opened.incident.summary).to.match(/^certificate .*mllp\.pem expires in [23] days/);
    })();
  });
});
