import type { Principal } from '../context.js';
import type { MessageDetail } from '../service/message-detail.js';
import { html, type Html } from './html.js';
import { csrfField } from './layout.js';
import { statusBadge } from './widgets.js';

/** HL7 segments a line in the text area (stored with CR; normaliseEditedBody turns them back). */
function editable(d: MessageDetail): string {
  return (d.message.raw ?? '').replace(/\r\n?/g, '\n');
}

/**
 * Edit-and-resend: the operator corrects the body and it goes in as a new message on the same
 * channel, linked to this one, which stays as it is (its history is the evidence).
 */
export function messageEditBody(d: MessageDetail, principal: Principal): Html {
  const m = d.message;
  return html`<p><a href="/messages/${m.id}">← Message ${m.id}</a></p>
    <h1>Edit and resend message ${m.id} ${statusBadge(m.status)}</h1>
    <p class="muted">
      The corrected body is stored as a new message on <code>${m.channel}</code> and processed with
      the mapping now live. Message ${m.id} is kept unchanged; both ids go in the audit log.
    </p>
    <form method="post" action="/messages/${m.id}/resend" class="card edit-resend">
      ${csrfField(principal)}
      <label
        >Body (${m.contentType})
        <textarea name="body" rows="14" spellcheck="false" required>${editable(d)}</textarea>
      </label>
      <label>Note <input name="note" placeholder="what you corrected (audited)" /></label>
      ${
        m.status === 'SENT'
          ? html`<p class="resend-warning">
              Message ${m.id} was SENT: the copy does again what it did (e.g. creates another
              referral).
              <label
                ><input type="checkbox" name="allowSent" value="true" required /> Send it
                anyway</label
              >
            </p>`
          : ''
      }
      <button type="submit" class="primary">Resend as a new message</button>
      <a class="button" href="/messages/${m.id}">Cancel</a>
    </form>`;
}
