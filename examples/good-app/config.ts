/**
 * The app's configuration, read from the environment in this one place (the grader sets these;
 * docs/GRADING.md). The app listens on the host and port of its redirect URI.
 */
export interface Config {
  connectUrl: string
  apiUrl: string
  clientId: string
  clientSecret: string
  redirectUri: string
  host: string
  port: number
  scope: string
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const need = (name: string): string => {
    const value = env[name]
    if (value === undefined || value === '') throw new Error(`${name} is not set`)
    return value
  }
  const redirectUri = need('DINERO_REDIRECT_URI')
  const url = new URL(redirectUri)
  return {
    connectUrl: need('DINERO_CONNECT_URL').replace(/\/+$/, ''),
    apiUrl: need('DINERO_API_URL').replace(/\/+$/, ''),
    clientId: need('DINERO_CLIENT_ID'),
    clientSecret: need('DINERO_CLIENT_SECRET'),
    redirectUri,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port || 80),
    scope: 'dineropublicapi:read dineropublicapi:write offline_access',
  }
}
