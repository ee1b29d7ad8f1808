import { DEFAULT_CLIENT_ID } from '../../mocks/options.ts'
import { authorize, authorizeParams, DINERO_SCOPE, REDIRECT_URI, token } from '../../scripts/targets/oauth.ts'
import type { Target } from '../../scripts/targets/targets.ts'

/**
 * Signs the seeded user in for `clientId` through the consent shortcut and redeems the code: the
 * session cookie (name=value) and the id_token, what an end-session request needs.
 */
export async function signIn(
  target: Target,
  clientId = DEFAULT_CLIENT_ID,
): Promise<{ cookie: string; idToken: string }> {
  const result = await authorize(
    target,
    authorizeParams({ scope: `openid ${DINERO_SCOPE}`, client_id: clientId }),
  )
  const cookie = (result.reply.headers.get('set-cookie') ?? '').split(';')[0]!
  const tokens = await token(
    target,
    {
      grant_type: 'authorization_code',
      code: result.fields.code!,
      redirect_uri: REDIRECT_URI,
      client_id: clientId,
    },
    { kind: 'post', clientId },
  )
  return { cookie, idToken: tokens.json<{ id_token: string }>().id_token }
}
