import { html } from './html.js';
import { page } from './layout.js';

export function loginPage(options: {
  csrf: string;
  next: string;
  error?: string | undefined;
}): string {
  return page({
    title: 'Log in',
    body: html`<section class="login card">
      <h1>ers-bridge</h1>
      <p class="muted">Operator dashboard — log in to continue.</p>
      ${options.error ? html`<p class="flash error" role="alert">${options.error}</p>` : ''}
      <form method="post" action="/login">
        <input type="hidden" name="_csrf" value="${options.csrf}" />
        <input type="hidden" name="next" value="${options.next}" />
        <label
          >User name <input name="username" autocomplete="username" required autofocus
        /></label>
        <label
          >Password
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <button type="submit" class="primary">Log in</button>
      </form>
    </section>`,
  });
}
