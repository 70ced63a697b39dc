// The public HTTP API of API.md, and who is signed in. Nothing else in the app calls fetch.

import { language } from "./i18n.js";

const TOKEN = "njia.token";
const USER = "njia.user";

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || (status === 0 ? "offline" : "unknown");
    this.details = error.details || {};
  }

  // API.md's `details` maps a field to messages; nested objects (`admin.email`) are flattened.
  fieldErrors(prefix = "") {
    const found = {};
    for (const [name, value] of Object.entries(this.details || {})) {
      const key = prefix ? `${prefix}.${name}` : name;
      if (Array.isArray(value)) found[key] = value.map(String);
      else if (value && typeof value === "object") Object.assign(found, new ApiError(0, { error: { details: value } }).fieldErrors(key));
      else if (typeof value === "string" && this.code === "validation_error") found[key] = [value];
    }
    return found;
  }
}

export const session = {
  get token() { return localStorage.getItem(TOKEN); },
  get user() {
    try { return JSON.parse(localStorage.getItem(USER) || "null"); } catch { return null; }
  },
  start(token, user) {
    localStorage.setItem(TOKEN, token);
    localStorage.setItem(USER, JSON.stringify(user));
  },
  remember(user) { localStorage.setItem(USER, JSON.stringify(user)); },
  end() {
    localStorage.removeItem(TOKEN);
    localStorage.removeItem(USER);
  },
};

let onSignedOut = () => {};
export function whenSignedOut(handler) { onSignedOut = handler; }

function url(path, query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") params.set(key, value);
  }
  const text = params.toString();
  return `/api/v1${path}${text ? `?${text}` : ""}`;
}

// One Idempotency-Key per thing a person asks for, until it is done: a retry after a lost answer
// or a second press is answered as the first was, never booked twice.
const pending = new Map();
function keyFor(what) {
  if (!pending.has(what)) {
    const bytes = crypto.getRandomValues(new Uint8Array(16)); // randomUUID needs HTTPS; this does not
    pending.set(what, Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""));
  }
  return pending.get(what);
}

async function send(method, path, { body, query, raw, key } = {}) {
  // The API words its errors in the language the person reads the app in (their account's once signed in).
  const headers = { Accept: "application/json", "Accept-Language": language() };
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  if (key) headers["Idempotency-Key"] = key;
  let payload = body;
  if (body !== undefined && !(body instanceof Blob) && !(body instanceof FormData)) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  } else if (body instanceof Blob && body.type) {
    headers["Content-Type"] = body.type;
  }
  let response;
  try {
    response = await fetch(url(path, query), { method, headers, body: payload });
  } catch {
    throw new ApiError(0, null);
  }
  if (response.status === 401 && session.token) {
    session.end();
    onSignedOut();
  }
  if (!response.ok) {
    let parsed = null;
    try { parsed = await response.json(); } catch { /* a proxy's HTML error page */ }
    throw new ApiError(response.status, parsed);
  }
  if (raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

export const api = {
  get: (path, query) => send("GET", path, { query }),
  post: (path, body, query) => send("POST", path, { body: body ?? {}, query }),
  // A change that must happen once (booking, moving, cancelling a session), safe to send again:
  // its key is kept while the answer may still change (lost, 503, still in progress) and dropped
  // once the answer is final, so pressing again later is a new request.
  once: async (path, body) => {
    const what = `${path} ${JSON.stringify(body)}`;
    for (let waited = 0; ; waited += 1) {
      try {
        const answer = await send("POST", path, { body, key: keyFor(what) });
        pending.delete(what);
        return answer;
      } catch (error) {
        const inProgress = error instanceof ApiError && error.status === 409 && error.details.reason === "in_progress";
        if (inProgress && waited < 5) { await new Promise((done) => setTimeout(done, 1500)); continue; }
        const final = error instanceof ApiError && error.status >= 400 && error.status < 500
          && ![401, 429].includes(error.status) && !inProgress;
        if (final) pending.delete(what);
        throw error;
      }
    }
  },
  put: (path, body) => send("PUT", path, { body }),
  patch: (path, body) => send("PATCH", path, { body }),
  delete: (path) => send("DELETE", path),
  blob: async (path, query) => (await send("GET", path, { query, raw: true })).blob(),
  raw: send,
};

// Every page of a collection, for short lists (branches, counselors) the app shows whole.
export async function all(path, query = {}) {
  const items = [];
  let cursor = null;
  do {
    const page = await api.get(path, { ...query, limit: 200, cursor });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < 2000);
  return items;
}
