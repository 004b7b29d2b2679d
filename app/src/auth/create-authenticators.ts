// Builds the configured authentication methods. Every method looks at each call; a call that two methods
// accept (a client certificate and a bearer token) is refused, so the order only sets the order of log reasons.
import type { AuthConfig } from "../config/security-schema.js";
import { createApiKeyAuthenticator } from "./api-key-authenticator.js";
import type { Authenticator } from "./authenticator.js";
import { createJwtAuthenticator, type JwtAuthenticatorOptions } from "./jwt-authenticator.js";

export interface CreateAuthenticatorsOptions {
  /** The mTLS authenticator, built elsewhere from auth.mtls (it needs the TLS settings). */
  mtls?: Authenticator;
  jwt?: JwtAuthenticatorOptions;
}

export function createAuthenticators(auth: AuthConfig, options: CreateAuthenticatorsOptions = {}): Authenticator[] {
  const authenticators: Authenticator[] = [];
  if (auth.jwt) authenticators.push(createJwtAuthenticator(auth.jwt, options.jwt));
  if (auth.apiKeys.length > 0) authenticators.push(createApiKeyAuthenticator(auth.apiKeys));
  if (auth.mtls && options.mtls) authenticators.push(options.mtls);
  return authenticators;
}
