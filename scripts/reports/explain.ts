import { type Area, type Check, NEEDS, type Need, type TargetClass } from '../../collections/model/types.ts'
import { resolveSource } from '../../collections/sources.ts'

/**
 * What a check means to the person reading a report: what its area is about and why it matters
 * to an integration, where it may run, and where the rule comes from (its sources, resolved to
 * links through collections/sources.ts).
 */
export const AREA_HEADINGS: Record<Area, { title: string; why: string }> = {
  'token-endpoint': {
    title: 'Token endpoint requests',
    why: 'The token endpoint is where an integration trades a code or a refresh token for access. A request shape the mock accepts but Visma Connect refuses (or the reverse) breaks login or the first refresh in production.',
  },
  'client-auth': {
    title: 'Client authentication',
    why: 'How the client proves who it is (client_secret_basic or client_secret_post, RFC 6749 §2.3.1). Credentials sent in a form Visma Connect does not read get invalid_client on every token request.',
  },
  authorize: {
    title: 'Authorize requests and redirects',
    why: 'What the login redirect answers: which errors go to an error page and which back to the app, the state an app must check against CSRF, and the response modes it must parse.',
  },
  code: {
    title: 'Authorization codes',
    why: 'A code is single-use and bound to its client and redirect_uri (RFC 6749 §4.1.3). An integration that retries an exchange or mixes them up loses the login.',
  },
  pkce: {
    title: 'PKCE',
    why: 'PKCE (RFC 7636) binds the code to the app instance that asked for it. A challenge method or verifier the service refuses makes every login fail.',
  },
  refresh: {
    title: 'Refresh tokens',
    why: 'Refresh tokens are one-time: every refresh answers a new one that must be stored before it is used, and presenting an old one can revoke the whole grant.',
  },
  session: {
    title: 'Userinfo, revocation, introspection and sign-out',
    why: 'The endpoints around a grant: userinfo for who signed in, revocation when the user disconnects the app, introspection for resource servers only, and end-session, which must really end the sign-in so the next login asks again.',
  },
  discovery: {
    title: 'Discovery and keys',
    why: 'Discovery metadata and the JWKS are what an OAuth library reads to configure itself and verify id_tokens; a mismatch breaks token validation.',
  },
  dinero: {
    title: 'Dinero API',
    why: 'The API an integration calls with its access token: authentication, the organisation in the path, field casing and paging it parses.',
  },
  destructive: {
    title: 'Destructive (grant-ending)',
    why: 'Checks that end the grant on purpose, such as refresh-token replay detection. They run last, and live only after a typed confirmation.',
  },
}

export const TARGET_MEANING: Record<TargetClass, string> = {
  'mock-only': 'runs on the mock only (live it would need something the service cannot safely be asked for)',
  'live-safe': 'runs on the mock and against the live services without harming the grant',
  'live-interactive':
    'needs a fresh code from a person logging in (`dinero-conformance login`); on the mock a prelude obtains one',
  'live-destructive': 'revokes the grant when run live; runs only after a typed confirmation',
}

export interface SourceLink {
  cited: string
  url: string
}

export function sourceLinks(check: Check): SourceLink[] {
  return check.sources.map((cited) => ({ cited, url: resolveSource(cited).url }))
}

/** What a run must have to run the check (collections/model/types.ts NEEDS). */
export function needsOf(check: Check): Need[] {
  return check.needs ?? []
}

function needsLine(check: Check): string {
  return needsOf(check)
    .map((n) => `${n}: ${NEEDS[n]}`)
    .join('; ')
}

/** The check's own `why`, if the catalogue gives one; else its area's. */
export function whyOf(check: Check): string {
  const why = (check as { why?: unknown }).why
  return typeof why === 'string' ? why : AREA_HEADINGS[check.area].why
}

/** The explanation as Markdown (Allure renders it on the test's page). */
export function explainMarkdown(check: Check): string {
  const needs = needsOf(check)
  return [
    `**What it pins:** ${check.title}`,
    '',
    `**Why it matters to an integrator:** ${whyOf(check)}`,
    '',
    `**Area:** ${AREA_HEADINGS[check.area].title} (\`${check.area}\`). **Runs:** \`${check.target}\` — ${TARGET_MEANING[check.target]}.${needs.length > 0 ? ` **Needs:** ${needsLine(check)}.` : ''}`,
    '',
    '**Where the rule comes from:**',
    '',
    ...sourceLinks(check).map((s) => `- [${s.cited}](${s.url})`),
    '',
    `Check id: \`${check.id}\``,
  ].join('\n')
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const code = (s: string) => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>')

/** The same explanation as HTML, for viewers that show `descriptionHtml`. */
export function explainHtml(check: Check): string {
  const needs = needsOf(check)
  return [
    `<p><b>What it pins:</b> ${esc(check.title)}</p>`,
    `<p><b>Why it matters to an integrator:</b> ${esc(whyOf(check))}</p>`,
    `<p><b>Area:</b> ${esc(AREA_HEADINGS[check.area].title)} (<code>${esc(check.area)}</code>). <b>Runs:</b> <code>${esc(check.target)}</code> — ${code(TARGET_MEANING[check.target])}.${needs.length > 0 ? ` <b>Needs:</b> ${esc(needsLine(check))}.` : ''}</p>`,
    '<p><b>Where the rule comes from:</b></p>',
    `<ul>${sourceLinks(check)
      .map((s) => `<li><a href="${esc(s.url)}" target="_blank" rel="noopener">${esc(s.cited)}</a></li>`)
      .join('')}</ul>`,
    `<p>Check id: <code>${esc(check.id)}</code></p>`,
  ].join('\n')
}
