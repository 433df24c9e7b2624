// A small GraphQL client: one POST per query, errors turned into messages an
// analyst can act on.

export class ApiError extends Error {
  constructor(message, { code = '', retry = false } = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.retry = retry;
  }
}

const endpoint = new URL('/graphql', window.location.href).toString();

const messages = {
  UNAVAILABLE: 'The database is not answering right now. Try again in a moment.',
  NOT_FOUND: 'That entity is not in the graph (it may have been retracted).',
  UNAUTHENTICATED: 'This service needs a token to read the graph.',
  FORBIDDEN: 'Your token may not read this.',
};

/**
 * Runs one query and returns its data. Throws ApiError with a readable
 * message when the service cannot be reached or answers with errors.
 */
export async function gql(query, variables = {}, { signal } = {}) {
  let resp;
  try {
    resp = await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError('Cannot reach the casegraph service. Check that it is running and that this page is served by it.', { code: 'NETWORK', retry: true });
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
    throw new ApiError(text, { code, retry: code === 'UNAVAILABLE' || code === 'INTERNAL' });
  }
  if (!resp.ok || !body || !body.data) {
    throw new ApiError(`The service answered HTTP ${resp.status}.`, { code: `HTTP_${resp.status}`, retry: resp.status >= 500 });
  }
  return body.data;
}
