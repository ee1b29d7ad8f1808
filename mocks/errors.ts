/**
 * Errors as values shaped like the real services'. A handler throws one; the route wrapper
 * (routes.ts) is the one place that turns it into a wire response and notes its code in the
 * journal. Anything else thrown becomes the service's own "server error".
 */
export abstract class MockHttpError extends Error {
  /** The code the journal records: `invalid_grant`, `invalid_token`, Dinero `42`, … */
  abstract readonly code: string
  abstract toResponse(): Response
}

/** JSON response helper with an explicit content type. */
export function json(body: unknown, init: ResponseInit & { contentType?: string } = {}): Response {
  const headers = new Headers(init.headers)
  if (!headers.has('content-type'))
    headers.set('content-type', init.contentType ?? 'application/json; charset=utf-8')
  return new Response(JSON.stringify(body), { status: init.status ?? 200, headers })
}
