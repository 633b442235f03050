/** A minimal browser-like HTTP client: keeps cookies, never follows redirects by itself. */
export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- a typed view of the parsed body, as fetch's json() would be with a cast
  json<T = Record<string, unknown>>(): T;
}

export class Client {
  readonly cookies = new Map<string, string>();
  csrf: string | undefined;

  constructor(
    readonly baseUrl: string,
    private readonly bearer?: string,
  ) {}

  async request(
    method: string,
    path: string,
    options: {
      json?: unknown;
      form?: Record<string, string>;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (this.cookies.size > 0)
      headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    let body: string | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    const res = await fetch(this.baseUrl + path, { method, headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (!name) continue;
      const v = value.join('=');
      if (v === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), v);
    }
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      text,
      json: () => JSON.parse(text) as never,
    };
  }

  get(path: string): Promise<Reply> {
    return this.request('GET', path);
  }

  /** A JSON POST carrying the session's CSRF token (as the dashboard's own requests do). */
  post(path: string, json: unknown = {}): Promise<Reply> {
    return this.request('POST', path, {
      json,
      headers: this.csrf ? { 'x-csrf-token': this.csrf } : {},
    });
  }

  /** Logs in through the login form, then reads the session's CSRF token. */
  async login(user: string, password: string): Promise<Reply> {
    const form = await this.request('GET', '/login', { headers: { accept: 'text/html' } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
    const reply = await this.request('POST', '/login', {
      form: { username: user, password, _csrf: csrf, next: '/' },
      headers: { accept: 'text/html' },
    });
    if (reply.status === 303)
      this.csrf = (await this.get('/api/session')).json<{ csrfToken: string }>().csrfToken;
    return reply;
  }
}
