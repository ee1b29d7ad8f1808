import { expect } from 'vitest'
import type { UserConfig } from '../../mocks/connect/model.ts'
import { DEFAULT_USER } from '../../mocks/options.ts'
import { authorizeParams } from '../../scripts/targets/oauth.ts'
import type { Reply, Target } from '../../scripts/targets/targets.ts'

/** The returnUrl authorize hands the login page: its callback with the request's parameters. */
export const returnUrlFor = (state: string, mode = 'query') =>
  `/connect/authorize/callback?${authorizeParams({ state, response_mode: mode })}`

/** A form POST to a Connect page, as a browser sends it, with the session cookie when given. */
export const postForm = (
  target: Target,
  path: string,
  body: Record<string, string>,
  cookie?: string,
): Promise<Reply> =>
  target.call('connect', path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(body).toString(),
  })

/** The login page's form (is4-ui-constants) posted with `user`'s credentials, as a browser posts it. */
export const postLogin = (
  target: Target,
  returnUrl: string,
  user: UserConfig = DEFAULT_USER,
): Promise<Reply> =>
  postForm(target, '/account/login', {
    returnUrl,
    email: user.email,
    password: user.password,
    button: 'login',
  })

/** Signs `user` in on the login page as a browser does: the session cookie (name=value). */
export async function signInOnPage(
  target: Target,
  returnUrl: string,
  user: UserConfig = DEFAULT_USER,
): Promise<string> {
  const reply = await postLogin(target, returnUrl, user)
  expect(reply.status).toBe(302)
  return (reply.headers.get('set-cookie') ?? '').split(';')[0]!
}
