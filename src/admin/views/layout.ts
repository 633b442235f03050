import type { Principal } from '../context.js';
import { can } from '../auth/roles.js';
import { html, type Html, type Part } from './html.js';

export interface PageOptions {
  readonly title: string;
  readonly principal?: Principal | undefined;
  /** Which top-bar entry is current. */
  readonly section?: 'channels' | 'messages' | 'alerts' | 'tester' | 'mappings' | 'audit';
  readonly flash?: { kind: 'ok' | 'error'; text: string } | undefined;
  readonly body: Part;
  /** Fragment URL the page's live parts are refreshed from (views/live.ts). */
  readonly live?: string | undefined;
}

/** How often a live page asks for its fragment; the browser skips asks while hidden. */
export const LIVE_INTERVAL_MS = 2000;

function nav(principal: Principal, section: PageOptions['section']): Html {
  const item = (key: NonNullable<PageOptions['section']>, href: string, label: string): Html =>
    html`<a href="${href}" class="${section === key ? 'current' : ''}">${label}</a>`;
  return html`<nav class="top">
    <span class="brand">ers-bridge</span>
    ${item('channels', '/', 'Channels')} ${item('messages', '/messages', 'Messages')}
    ${item('alerts', '/alerts', 'Alerts')}
    ${can(principal.role, 'mapping.test') ? item('tester', '/tester', 'Mapping tester') : ''}
    ${can(principal.role, 'mapping.history') ? item('mappings', '/mappings', 'Mappings') : ''}
    ${can(principal.role, 'audit.view') ? item('audit', '/audit', 'Audit log') : ''}
    <span class="who">${principal.user} · ${principal.role}</span>
    <form method="post" action="/logout" class="inline">
      <input type="hidden" name="_csrf" value="${principal.session?.csrfToken ?? ''}" />
      <button type="submit" class="link">Log out</button>
    </form>
  </nav>`;
}

export function page(options: PageOptions): string {
  const { principal } = options;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title} · ers-bridge</title>
        <link rel="stylesheet" href="/assets/style.css" />
        <script type="module" src="/assets/dashboard.mjs"></script>
      </head>
      <body>
        ${principal ? nav(principal, options.section) : ''}
        <main
          ${options.live ? html`data-live-src="${options.live}" data-live-ms="${LIVE_INTERVAL_MS}"` : ''}
        >
          ${
            options.flash
              ? html`<p class="flash ${options.flash.kind}" role="status">${options.flash.text}</p>`
              : ''
          }
          ${options.body}
        </main>
      </body>
    </html>`.value;
}

/** A hidden CSRF field for a state-changing form. */
export function csrfField(principal: Principal): Html {
  return html`<input type="hidden" name="_csrf" value="${principal.session?.csrfToken ?? ''}" />`;
}

export function formatTime(epochMs: number | null | undefined): string {
  if (epochMs === null || epochMs === undefined) return '';
  return new Date(epochMs).toISOString().replace('T', ' ').slice(0, 19);
}
