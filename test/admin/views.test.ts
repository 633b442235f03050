import { expect } from 'chai';
import { html } from '../../src/admin/views/html.js';
import { rawHl7 } from '../../src/admin/views/hl7.js';
import { hl7View } from '../../src/admin/service/hl7-view.js';
import { bucketize } from '../../src/admin/service/channel-overview.js';
import { toMessageFilter } from '../../src/admin/service/message-query.js';
import { safeNext } from '../../src/admin/auth/login-routes.js';

describe('admin views and queries (pure)', () => {
  it('escapes every interpolated value, so message content cannot inject markup', () => {
    const evil = '<script>alert("x")</script>';
    expect(html`<p title="${evil}">${evil}</p>`.value).to.equal(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>',
    );
  });

  it('shows raw HL7 with markup in a field escaped and the field named', () => {
    const segments = hl7View(
      Buffer.from('MSH|^~\\&|A|B|C|D|20260101||ADT^A01|1|P|2.4\rPID|1||<b>x</b>'),
    );
    const out = rawHl7(segments ?? [], '|').value;
    expect(out).to.include('&lt;b&gt;x&lt;/b&gt;').and.not.to.include('<b>x</b>');
    expect(out).to.include('title="PID-3 · Patient identifier list"');
  });

  it('counts arrivals into five-minute buckets of the last hour, oldest first', () => {
    const now = 3_600_000;
    expect(
      bucketize([0, 1, 299_999, 300_000, 3_599_999, 3_600_001], {
        now,
        windowMs: 3_600_000,
        buckets: 12,
      }),
    ).to.deep.equal([3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('caps the page size and names the field of a bad value', () => {
    expect(toMessageFilter({ limit: '5000' }).limit).to.equal(200);
    expect(() => toMessageFilter({ from: 'yesterday-ish' })).to.throw(
      '"yesterday-ish" is not a date and time.',
    );
    expect(() => toMessageFilter({ status: 'LOST' })).to.throw('Unknown status "LOST".');
  });

  it('only redirects to local paths after login', () => {
    expect(safeNext('/messages?x=1')).to.equal('/messages?x=1');
    expect(safeNext('//evil.example')).to.equal('/');
    expect(safeNext('/\\evil.example')).to.equal('/');
    expect(safeNext('https://evil.example')).to.equal('/');
  });
});
