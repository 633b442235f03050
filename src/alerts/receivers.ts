import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { ReceiverSettings } from '../core/alert-settings.js';
import { subjectOf, textOf, webhookBody } from './message.js';
import type { Notice } from './types.js';

/** One place alerts go. `send` resolves once the far side took the batch, else throws. */
export interface Receiver {
  readonly name: string;
  readonly type: ReceiverSettings['type'];
  send(batch: readonly Notice[], meta: { instance: string; dropped: number }): Promise<void>;
  close(): void;
}

export function createReceiver(settings: ReceiverSettings, index: number): Receiver {
  switch (settings.type) {
    case 'webhook':
      return webhookReceiver(settings, settings.name ?? `webhook-${index + 1}`);
    case 'email':
      return emailReceiver(settings, settings.name ?? `email-${index + 1}`);
    default:
      return settings satisfies never;
  }
}

function webhookReceiver(
  settings: Extract<ReceiverSettings, { type: 'webhook' }>,
  name: string,
): Receiver {
  return {
    name,
    type: 'webhook',
    async send(batch, meta) {
      const response = await fetch(settings.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...settings.headers },
        body: JSON.stringify(webhookBody(batch, meta)),
        signal: AbortSignal.timeout(settings.timeoutMs),
        redirect: 'error',
      });
      // The body is not needed; reading it frees the connection.
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) throw new Error(`the webhook answered HTTP ${response.status}`);
    },
    close() {},
  };
}

function emailReceiver(
  settings: Extract<ReceiverSettings, { type: 'email' }>,
  name: string,
): Receiver {
  const password =
    settings.password ??
    (settings.passwordFile === undefined
      ? undefined
      : readFileSync(settings.passwordFile, 'utf8').trim());
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: settings.requireTls,
    ...(settings.user === undefined ? {} : { auth: { user: settings.user, pass: password } }),
    tls: { rejectUnauthorized: settings.rejectUnauthorized },
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
  });
  return {
    name,
    type: 'email',
    async send(batch, meta) {
      await transport.sendMail({
        from: settings.from,
        to: settings.to,
        subject: subjectOf(batch, meta.instance),
        text: textOf(batch, meta.dropped),
      });
    },
    close() {
      transport.close();
    },
  };
}
