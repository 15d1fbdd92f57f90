// Calls to the JSON API with the session cookie: writes carry the CSRF header the server demands,
// and a 401 sends the user back to the sign-in page.
export const CSRF_HEADER = 'x-botcensus-csrf';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type Query = Record<string, string | number | undefined>;

export function apiUrl(path: string, query: Query = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  const qs = q.toString();
  return `/api/${path}${qs ? '?' + qs : ''}`;
}

let onUnauthorized: () => void = () => undefined;
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

async function call<T>(method: string, path: string, query: Query, body?: BodyInit, json = false): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers[CSRF_HEADER] = '1';
  if (json) headers['content-type'] = 'application/json';
  const res = await fetch(apiUrl(path, query), { method, headers, body, credentials: 'same-origin' });
  const data = (await res.json().catch(() => ({}))) as { message?: string };
  if (res.status === 401 && path !== 'session') onUnauthorized();
  if (!res.ok) throw new ApiError(res.status, data.message ?? `${res.status} ${res.statusText}`);
  return data as T;
}

export const api = {
  get: <T>(path: string, query: Query = {}) => call<T>('GET', path, query),
  postJson: <T>(path: string, body: unknown) => call<T>('POST', path, {}, JSON.stringify(body), true),
  postForm: <T>(path: string, form: FormData) => call<T>('POST', path, {}, form),
  delete: <T>(path: string) => call<T>('DELETE', path, {}),
};
