// JWTs from an identity provider, verified with jose against the provider's JWKS (cached; an unknown kid
// refetches the set after a cooldown, which is how key rotation is picked up). Only asymmetric algorithms
// from the configured allow-list are accepted, so `none` and HS256-with-a-public-key forgeries fail before
// any key is looked up.

import { status } from "@grpc/grpc-js";
import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import type { AuthConfig } from "../config/security-schema.js";
import { ApiError } from "../core/api-error.js";
import type { Authenticator, AuthOutcome } from "./authenticator.js";
import { readBearer } from "./bearer-token.js";

type JwtSettings = NonNullable<AuthConfig["jwt"]>;

export interface JwtAuthenticatorOptions {
  /** Replaces the remote JWKS (tests of key handling without HTTP). */
  keys?: JWTVerifyGetKey;
}

export function createJwtAuthenticator(settings: JwtSettings, options: JwtAuthenticatorOptions = {}): Authenticator {
  const keys =
    options.keys ??
    createRemoteJWKSet(new URL(settings.jwksUrl), {
      cacheMaxAge: settings.jwksCacheMs,
      cooldownDuration: settings.jwksCooldownMs,
      timeoutDuration: settings.jwksTimeoutMs,
    });
  return {
    method: "jwt",
    async authenticate(ctx): Promise<AuthOutcome> {
      const bearer = readBearer(ctx.metadata);
      if (bearer.kind !== "jwt") return { kind: "absent" };
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(bearer.token, keys, {
          issuer: settings.issuer,
          audience: settings.audience,
          algorithms: settings.algorithms,
          clockTolerance: settings.clockToleranceSec,
          requiredClaims: ["exp"],
        }));
      } catch (error) {
        if (isKeySetUnavailable(error)) {
          // The provider's fault, not the caller's: a retriable UNAVAILABLE rather than "invalid credentials".
          throw new ApiError(status.UNAVAILABLE, "identity provider keys are unavailable; retry later", {
            reason: "JWKS_UNAVAILABLE",
            retryDelayMs: 1000,
            cause: error,
          });
        }
        return { kind: "rejected", reason: describeFailure(error) };
      }
      const tooLong = lifetimeRefusal(payload, settings.maxLifetimeSec, Math.floor(Date.now() / 1000));
      if (tooLong) return { kind: "rejected", reason: tooLong };
      const subject = claimAt(payload, settings.subjectClaim);
      if (typeof subject !== "string" || subject === "") {
        return { kind: "rejected", reason: `token has no ${settings.subjectClaim} claim` };
      }
      return {
        kind: "authenticated",
        identity: { id: `jwt:${subject}`, method: "jwt", roles: rolesFrom(claimAt(payload, settings.rolesClaim)) },
      };
    },
  };
}

/**
 * The token's lifetime is exp - iat, or exp - now when it carries no iat (then what is left of it counts), and
 * must not exceed maxLifetimeSec. An iat in the future does not shorten it: what is left (exp - now) counts too.
 * Returns the log reason of a refusal, or undefined.
 */
export function lifetimeRefusal(payload: JWTPayload, maxLifetimeSec: number, nowSec: number): string | undefined {
  if (typeof payload.exp !== "number") return "token has no exp claim";
  const remaining = payload.exp - nowSec;
  const issued = typeof payload.iat === "number" ? payload.exp - payload.iat : undefined;
  if (issued !== undefined && issued > maxLifetimeSec) {
    return `token lifetime ${issued} s (exp - iat) exceeds auth.jwt.maxLifetimeSec ${maxLifetimeSec} s`;
  }
  if (remaining > maxLifetimeSec) {
    const basis = issued === undefined ? "exp - now (no iat)" : "exp - now (iat in the future)";
    return `token lifetime ${remaining} s (${basis}) exceeds auth.jwt.maxLifetimeSec ${maxLifetimeSec} s`;
  }
  return undefined;
}

/**
 * A claim by name; when no claim has that exact name, a dotted path into nested objects
 * ("realm_access.roles"). The exact name comes first so namespaced claims such as
 * "https://example.com/roles" work.
 */
export function claimAt(payload: JWTPayload, name: string): unknown {
  if (Object.hasOwn(payload, name)) return payload[name];
  let current: unknown = payload;
  for (const part of name.split(".")) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** An array of strings, or one string of space-separated roles (the OAuth `scope` form). */
export function rolesFrom(value: unknown): string[] {
  if (typeof value === "string") return value.split(/\s+/).filter((r) => r !== "");
  if (Array.isArray(value)) return value.filter((r): r is string => typeof r === "string" && r !== "");
  return [];
}

function isKeySetUnavailable(error: unknown): boolean {
  return (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    // fetch failures (refused, DNS) and non-200 answers from the JWKS endpoint
    (error instanceof errors.JOSEError && error.code === "ERR_JOSE_GENERIC") ||
    error instanceof TypeError
  );
}

/** For the log only: the client always gets "invalid credentials". */
function describeFailure(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "token expired";
  // jose's messages name the claim, never its value: "unexpected \"aud\" claim value".
  if (error instanceof errors.JWTClaimValidationFailed) return error.message;
  if (error instanceof errors.JOSEAlgNotAllowed) return "algorithm not allowed";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "bad signature";
  if (error instanceof errors.JWKSNoMatchingKey) return "no key in the JWKS matches the token";
  if (error instanceof errors.JWKSMultipleMatchingKeys) return "several JWKS keys match the token";
  if (error instanceof errors.JWTInvalid || error instanceof errors.JWSInvalid) return "malformed token";
  if (error instanceof errors.JOSENotSupported) return "unsupported token algorithm or key";
  if (error instanceof errors.JOSEError) return `token refused (${error.code})`;
  return "token refused";
}
