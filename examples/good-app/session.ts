import type { Config } from './config.ts'
import { refreshTokens, TokenError, type TokenSet } from './oauth.ts'

/**
 * The app's one Dinero connection (a single-user integration). What it gets right:
 * - single-flight refresh: however many calls find the access token expired at once, one refresh
 *   request goes out and all of them wait for it (visma-connect-tokens: a one-time refresh token used
 *   twice revokes all access);
 * - the rotated refresh token is stored the moment it arrives (`persist`; memory here, a file
 *   or database written atomically in a real app), so the consumed one is never sent again;
 * - invalid_grant means the grant is gone: drop the tokens, stop, and ask for consent again.
 */
export type ConnectionState = 'logged-out' | 'ok' | 'reconsent-required' | 'denied' | 'error'

export class ReconsentRequired extends Error {
  constructor() {
    super('the user must consent again')
  }
}

/** Refresh this long before the app's own idea of expiry. */
const EARLY_REFRESH_MS = 30_000

export class Session {
  state: ConnectionState = 'logged-out'
  detail: string | undefined
  private tokens: TokenSet | undefined
  private inflight: Promise<TokenSet> | undefined

  constructor(
    private readonly config: Config,
    private readonly persist: (tokens: TokenSet | undefined) => void = () => {},
  ) {}

  signedIn(tokens: TokenSet): void {
    this.setTokens(tokens)
    this.state = 'ok'
    this.detail = undefined
  }

  mark(state: ConnectionState, detail?: string): void {
    this.state = state
    this.detail = detail
  }

  private setTokens(tokens: TokenSet | undefined): void {
    this.tokens = tokens
    this.persist(tokens)
  }

  /** A usable access token, refreshing first if the app's clock says it is (nearly) expired. */
  async accessToken(): Promise<string> {
    const t = this.tokens
    if (t === undefined) throw new ReconsentRequired()
    if (t.expiresAt - EARLY_REFRESH_MS > Date.now()) return t.accessToken
    return (await this.refresh(t.accessToken)).accessToken
  }

  /**
   * After the API refused `rejected` (401): refresh, unless another call already replaced that
   * token, in which case its successor is used. One refresh in flight at a time.
   */
  async refresh(rejected: string): Promise<TokenSet> {
    const current = this.tokens
    if (current === undefined) throw new ReconsentRequired()
    if (current.accessToken !== rejected) return current
    this.inflight ??= this.doRefresh(current).finally(() => {
      this.inflight = undefined
    })
    return this.inflight
  }

  private async doRefresh(current: TokenSet): Promise<TokenSet> {
    if (current.refreshToken === undefined) {
      this.dropGrant('no refresh token')
      throw new ReconsentRequired()
    }
    try {
      const next = await refreshTokens(this.config, current.refreshToken)
      // Keep the old refresh token only if the server did not send a new one (re-use profile).
      this.setTokens({ ...next, refreshToken: next.refreshToken ?? current.refreshToken })
      return this.tokens!
    } catch (e) {
      if (e instanceof TokenError && e.error === 'invalid_grant') {
        this.dropGrant('refresh refused with invalid_grant')
        throw new ReconsentRequired()
      }
      throw e
    }
  }

  private dropGrant(why: string): void {
    this.setTokens(undefined)
    this.mark('reconsent-required', why)
  }
}
