// A small GraphQL client: one POST per query, errors turned into messages an
// analyst can act on.

export class ApiError extends Error {
  constructor(message, { code = '', retry = false, detail = '' } = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.retry = retry;
    this.detail = detail; // the service's own message, where messages replaced it
  }
}

const endpoint = new URL('/graphql', window.location.href).toString();

const messages = {
  UNAVAILABLE: 'The database is not answering right now. Try again in a moment.',
  OVERLOADED: 'The service is busy right now. Try again in a moment.',
  RATE_LIMITED: 'This page has asked the service for a lot at once. Try again in a few seconds.',
  NOT_FOUND: 'That entity is not in the graph (it may have been retracted).',
  UNAUTHENTICATED: 'This service needs a token to read the graph.',
  FORBIDDEN: 'Your token may not read this.',
};

// A query the service turns away for now (429, or 503 while it is busy or
// Neo4j is away) is sent again after the Retry-After it names, a few times:
// reopening a view with many neighbourhoods asks for more at once than a
// client's rate limit lets through in one go.
const attempts = 4;
const longestWait = 5000; // ms

function pause(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    if (signal) {
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(new DOMException('aborted', 'AbortError'));
      }, { once: true });
    }
  });
}

/**
 * Runs one query and returns its data. Throws ApiError with a readable
 * message when the service cannot be reached or answers with errors. A
 * token goes as Authorization: Bearer.
 */
export async function gql(query, variables = {}, { signal, token } = {}) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let resp;
  for (let attempt = 1; ; attempt += 1) {
    try {
      resp = await fetch(endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
        signal,
      });
    } catch (err) {
      if (err.name === 'AbortError') throw err;
      throw new ApiError('Cannot reach the casegraph service. Check that it is running and that this page is served by it.', { code: 'NETWORK', retry: true });
    }
    const after = Number(resp.headers.get('Retry-After'));
    if ((resp.status !== 429 && resp.status !== 503) || !(after > 0) || attempt === attempts) break;
    await pause(Math.min(after * 1000, longestWait), signal);
  }
  let body = null;
  try {
    body = await resp.json();
  } catch {
    throw new ApiError(`The service answered HTTP ${resp.status} without a GraphQL answer.`, { code: `HTTP_${resp.status}`, retry: resp.status >= 500 });
  }
  const errors = body && body.errors;
  if (errors && errors.length) {
    const first = errors[0];
    const code = (first.extensions && first.extensions.code) || '';
    const text = messages[code] || first.message || 'The query failed.';
    throw new ApiError(text, { code, retry: ['UNAVAILABLE', 'OVERLOADED', 'RATE_LIMITED', 'INTERNAL'].includes(code), detail: first.message || '' });
  }
  if (!resp.ok || !body || !body.data) {
    throw new ApiError(`The service answered HTTP ${resp.status}.`, { code: `HTTP_${resp.status}`, retry: resp.status >= 500 });
  }
  return body.data;
}
