// The gateway's REST API as the console uses it: the bearer credential of the session and
// problem+json errors turned into ApiError (title and detail, as the gateway wrote them).

const KEY = 'respool.session';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** The signed-in session: {token, accountId, roles, address, chain, via} (kept for the tab only). */
export const session = {
  get() {
    try { return JSON.parse(sessionStorage.getItem(KEY)); } catch { return null; }
  },
  set(s) { sessionStorage.setItem(KEY, JSON.stringify(s)); },
  clear() { sessionStorage.removeItem(KEY); },
};

export async function api(method, path, body, { accept = 'application/json', raw = false } = {}) {
  const headers = { Accept: accept };
  const s = session.get();
  if (s?.token) headers.Authorization = `Bearer ${s.token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) {
    let problem = null;
    try { problem = await res.json(); } catch { /* not a problem document */ }
    throw new ApiError(res.status, problem);
  }
  if (raw) return res;
  return res.status === 204 ? null : res.json();
}

export const get = (path, opts) => api('GET', path, undefined, opts);
export const post = (path, body) => api('POST', path, body ?? {});

/** A query string of the non-empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v !== undefined && v !== null && v !== false) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
