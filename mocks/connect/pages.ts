/**
 * The plain-HTML pages of the Connect mock: login, consent, error, and the form_post
 * auto-submit page. Real forms a person (or Chromium in a test) can use; no scripts beyond
 * the form_post auto-submit, which is IdentityServer's own markup (duende-authorize-result).
 */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** Scope descriptions in plain words, shown on the consent page. */
export const SCOPE_WORDS: Readonly<Record<string, string>> = {
  openid: 'Know who you are (your Visma Connect user id)',
  profile: 'See your name',
  email: 'See your e-mail address',
  'dineropublicapi:read': 'Read your Dinero data: companies, contacts, products, invoices and vouchers',
  'dineropublicapi:write': 'Create and change Dinero data: contacts, products, invoices and vouchers',
  offline_access: 'Keep access when you are not using the app (refresh tokens)',
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b;background:#f4f6f8}
main{background:#fff;border:1px solid #d9dee3;border-radius:8px;padding:1.2rem 1.6rem 1.6rem}
h1{font-size:1.4rem}label{display:block;margin:.8rem 0 .2rem}input[type=email],input[type=password]{width:100%;padding:.5rem;box-sizing:border-box}
button{padding:.55rem 1.2rem;margin:1rem .5rem 0 0;border:1px solid #8a949e;border-radius:4px;background:#fff;font-size:1rem;cursor:pointer}
button.primary{background:#1769aa;border-color:#1769aa;color:#fff}.error{color:#a40000}.muted{color:#555;font-size:.9rem}
ul{padding-left:1.2rem}li{margin:.25rem 0}code{background:#f3f3f3;padding:0 .2rem}`

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} - Visma Connect (mock)</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`
}

export function htmlResponse(html: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(html, {
    status,
    headers: {
      'content-type': 'text/html; charset=UTF-8',
      'cache-control': 'no-store, no-cache, max-age=0',
      pragma: 'no-cache',
      ...headers,
    },
  })
}

export function loginPage(input: {
  returnUrl: string
  clientName: string
  email?: string
  error?: string
}): string {
  return page(
    'Sign in',
    `<h1>Sign in to Visma Connect</h1>
<p class="muted">to continue to <strong>${escapeHtml(input.clientName)}</strong></p>
${input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : ''}
<form method="post" action="/account/login">
<input type="hidden" name="returnUrl" value="${escapeHtml(input.returnUrl)}">
<label for="email">E-mail</label><input id="email" name="email" type="email" autocomplete="username" value="${escapeHtml(input.email ?? '')}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit" name="button" value="login" class="primary">Sign in</button><button type="submit" name="button" value="cancel">Cancel</button>
</form>`,
  )
}

export function consentPage(input: {
  returnUrl: string
  clientName: string
  clientId: string
  scopes: string[]
  userEmail: string
  organisations: string[]
}): string {
  const items = input.scopes
    .map(
      (s) =>
        `<li data-scope="${escapeHtml(s)}">${escapeHtml(SCOPE_WORDS[s] ?? s)} <span class="muted">(<code>${escapeHtml(s)}</code>)</span></li>`,
    )
    .join('')
  const orgs = input.organisations.length
    ? `<p>Dinero companies this covers:</p><ul class="orgs">${input.organisations.map((o) => `<li>${escapeHtml(o)}</li>`).join('')}</ul>`
    : ''
  return page(
    'Consent',
    `<h1>${escapeHtml(input.clientName)} wants access</h1>
<p class="muted">Signed in as ${escapeHtml(input.userEmail)} · application <code>${escapeHtml(input.clientId)}</code></p>
<p>If you allow it, the application will be able to:</p><ul class="scopes">${items}</ul>
${orgs}
<form method="post" action="/consent">
<input type="hidden" name="returnUrl" value="${escapeHtml(input.returnUrl)}">
<button type="submit" name="button" value="yes" class="primary">Allow</button><button type="submit" name="button" value="no">Cancel</button>
</form>`,
  )
}

export function errorPage(input: {
  error: string
  description?: string
  requestId?: string
  clientId?: string
}): string {
  return page(
    'Error',
    `<h1>Sorry, there was an error</h1>
<p class="error" data-error="${escapeHtml(input.error)}"><strong>${escapeHtml(input.error)}</strong></p>
${input.description ? `<p data-error-description>${escapeHtml(input.description)}</p>` : ''}
${input.clientId ? `<p class="muted">Client: <code>${escapeHtml(input.clientId)}</code></p>` : ''}
${input.requestId ? `<p class="muted">Request id: <code>${escapeHtml(input.requestId)}</code></p>` : ''}
<p class="muted">The application was not told about this error: fix the authorize request (client_id, redirect_uri, scope, PKCE) and try again.</p>`,
  )
}

/**
 * The logout page's question when no id_token_hint authenticated the request (duende-end-session-result
 * sends the browser here; IdentityServer's default UI asks before it signs anyone out).
 */
export function logoutPromptPage(logoutId: string | undefined): string {
  return page(
    'Sign out',
    `<h1>Sign out of Visma Connect?</h1>
<form method="post" action="/account/logout">
${logoutId === undefined ? '' : `<input type="hidden" name="logoutId" value="${escapeHtml(logoutId)}">`}
<button type="submit" name="button" value="yes" class="primary">Yes, sign me out</button>
</form>`,
  )
}

export function loggedOutPage(): string {
  return page('Signed out', '<h1>You are signed out</h1><p class="muted">You may close this window.</p>')
}

/**
 * duende-authorize-result, is4-form-post-inputs: IdentityServer's form_post markup, each input on its own
 * line, values HTML-encoded.
 */
export function formPostPage(action: string, fields: [string, string][]): string {
  const inputs = fields
    .map(([k, v]) => `<input type='hidden' name='${escapeHtml(k)}' value='${escapeHtml(v)}' />\n`)
    .join('')
  return `<html><head><meta http-equiv='X-UA-Compatible' content='IE=edge' /><base target='_self'/></head><body><form method='post' action='${escapeHtml(action)}'>${inputs}<noscript><button>Click to continue</button></noscript></form><script>window.addEventListener('load', function(){document.forms[0].submit();});</script></body></html>`
}

/** duende-authorize-result: CSP hash of the auto-submit script above. */
export const FORM_POST_CSP =
  "default-src 'none'; frame-ancestors 'none'; script-src 'sha256-orD0/VhH8hLqrLxKHD/HUEMdwqX6/0ve7c5hspX5VJ8='"
