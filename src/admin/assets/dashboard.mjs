// The dashboard's only script (served from /assets, as the content security policy allows no
// inline script). Every page works without it: forms post, confirmations come back as a page.
// With it: live parts refresh in place, confirmations ask in a dialog, bulk selection counts.

/** Ids of ticked message checkboxes, so a refreshed list keeps what the person picked. */
function tickedIds(root) {
  return new Set([...root.querySelectorAll('input[name="id"]:checked')].map((i) => i.value));
}

function typingIn(part) {
  const active = document.activeElement;
  return (
    active !== null &&
    part.contains(active) &&
    ['INPUT', 'TEXTAREA', 'SELECT'].includes(active.tagName) &&
    active.type !== 'checkbox'
  );
}

/** Polls the page's fragment URL and swaps each live part whose markup changed. */
function startLive(main) {
  const src = main.dataset.liveSrc;
  const every = Number(main.dataset.liveMs) || 2000;
  const last = new Map();
  for (const part of main.querySelectorAll('[data-live-part]'))
    last.set(part.dataset.livePart, part.innerHTML);
  let stopped = false;
  let refreshes = 0;
  async function tick() {
    if (stopped || document.hidden || document.querySelector('dialog[open]')) return;
    let response;
    try {
      response = await fetch(src, { headers: { accept: 'text/html' }, redirect: 'manual' });
    } catch {
      main.dataset.liveState = 'offline';
      return;
    }
    if (response.status === 401 || response.type === 'opaqueredirect') {
      // Logged out (session expired): stop, the next click goes to the login page.
      stopped = true;
      main.dataset.liveState = 'stopped';
      return;
    }
    if (!response.ok) {
      main.dataset.liveState = 'error';
      return;
    }
    const template = document.createElement('template');
    template.innerHTML = await response.text();
    for (const fresh of template.content.querySelectorAll('[data-live-part]')) {
      const name = fresh.dataset.livePart;
      const current = main.querySelector(`[data-live-part="${CSS.escape(name)}"]`);
      if (!current || last.get(name) === fresh.innerHTML || typingIn(current)) continue;
      last.set(name, fresh.innerHTML);
      const ticked = tickedIds(current);
      current.replaceWith(fresh);
      showAges();
      for (const box of fresh.querySelectorAll('input[name="id"]'))
        box.checked = ticked.has(box.value);
      updateSelection();
    }
    refreshes += 1;
    main.dataset.liveState = 'live';
    main.dataset.liveRefreshes = String(refreshes);
  }
  // The next ask is timed from the end of this one: a slow answer is never asked for twice.
  const next = () =>
    setTimeout(() => {
      void tick().finally(() => {
        if (!stopped) next();
      });
    }, every);
  next();
}

/** The bulk bar's count and buttons follow the ticked boxes. */
function updateSelection() {
  const bar = document.querySelector('form#bulk');
  if (!bar) return;
  const n = document.querySelectorAll('input[name="id"][form="bulk"]:checked').length;
  const count = bar.querySelector('[data-selected-count]');
  if (count) count.textContent = `${n} selected`;
  for (const button of bar.querySelectorAll('button[type="submit"]')) button.disabled = n === 0;
}

function confirmText(form, submitter) {
  // getAttribute: the form's controls named "id" shadow form.id.
  if (form.getAttribute('id') !== 'bulk') return form.dataset.confirm;
  const n = document.querySelectorAll('input[name="id"][form="bulk"]:checked').length;
  const what = submitter?.value === 'resolve' ? 'Mark resolved' : 'Reprocess';
  const force = form.querySelector('input[name="force"]')?.checked
    ? ' SENT messages among them are sent again.'
    : ' SENT, leased and in-flight messages are skipped.';
  return `${what} ${n} selected message(s)?${force}`;
}

/** Asks in a modal dialog; resolves true when the person confirms. */
function ask(text, label) {
  return new Promise((resolve) => {
    const dialog = document.createElement('dialog');
    dialog.className = 'confirm';
    const p = document.createElement('p');
    p.id = 'confirm-text';
    p.textContent = text;
    dialog.setAttribute('aria-labelledby', 'confirm-text');
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.textContent = 'Cancel';
    const ok = document.createElement('button');
    ok.type = 'button';
    ok.className = 'danger';
    ok.textContent = label;
    const buttons = document.createElement('div');
    buttons.className = 'buttons';
    buttons.append(cancel, ok);
    dialog.append(p, buttons);
    document.body.append(dialog);
    const close = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    cancel.addEventListener('click', () => close(false));
    ok.addEventListener('click', () => close(true));
    dialog.addEventListener('cancel', () => close(false));
    dialog.showModal();
    cancel.focus();
  });
}

function hidden(form, name, value) {
  const input = document.createElement('input');
  input.type = 'hidden';
  input.name = name;
  input.value = value;
  form.append(input);
}

document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || form.dataset.confirm === undefined) return;
  event.preventDefault();
  const submitter = event.submitter;
  const label = submitter?.dataset.confirmLabel ?? form.dataset.confirmLabel ?? 'Confirm';
  void ask(confirmText(form, submitter), label).then((yes) => {
    if (!yes) return;
    hidden(form, 'confirmed', 'yes');
    // form.submit() drops the pressed button's name=value (the bulk action): carry it over.
    if (submitter?.name) hidden(form, submitter.name, submitter.value);
    // A live refresh that was under way when the dialog opened may have replaced the part holding
    // this form: a form out of the document submits nothing, so the confirmation would be lost.
    if (!form.isConnected) {
      form.hidden = true;
      document.body.append(form);
    }
    form.submit();
  });
});

document.addEventListener('change', (event) => {
  const target = event.target;
  if (!(target instanceof HTMLInputElement)) return;
  if (target.matches('[data-select-all]')) {
    for (const box of document.querySelectorAll('input[name="id"][form="bulk"]'))
      box.checked = target.checked;
  }
  updateSelection();
});

/** "12 s ago" for each <time data-ago>, kept current between refreshes. */
function showAges() {
  const now = Date.now();
  for (const time of document.querySelectorAll('time[data-ago]')) {
    const s = Math.max(0, Math.round((now - Date.parse(time.dateTime)) / 1000));
    time.textContent =
      s < 60
        ? `${s} s ago`
        : s < 3600
          ? `${Math.floor(s / 60)} min ago`
          : s < 86_400
            ? `${Math.floor(s / 3600)} h ago`
            : `${Math.floor(s / 86_400)} d ago`;
  }
}

document.addEventListener('DOMContentLoaded', () => {
  const main = document.querySelector('main[data-live-src]');
  if (main) startLive(main);
  updateSelection();
  showAges();
  setInterval(showAges, 1000);
});
