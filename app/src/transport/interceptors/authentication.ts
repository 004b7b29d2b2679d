// Authenticates every call that needs a caller (SqlService; reflection unless auth.anonymousReflection) with the
// configured methods (API key, JWT, client certificate).
// Every method looks at the call; a credential that is presented and invalid refuses the call even when
// another method would accept the call, so a bad token never falls through to a weaker method. The client
// learns only "missing" or "invalid"; which check failed (expired, bad signature, unknown key) goes to the log.
import { status } from "@grpc/grpc-js";
import type { Authenticator, AuthOutcome, PresentedCredentials } from "../../auth/authenticator.js";
import { readBearer } from "../../auth/bearer-token.js";
import { ApiError, internalError } from "../../core/api-error.js";
import type { Identity } from "../../core/identity.js";
import type { Logger } from "../../observability/logger.js";
import { inSpan } from "../../observability/spans.js";
import type { IdentityResolver } from "./identity.js";

export const INVALID_CREDENTIALS_MESSAGE = "invalid credentials";

export function missingCredentialsMessage(methods: ReadonlyArray<Identity["method"]>): string {
  const bearer = [methods.includes("api_key") ? "API key" : "", methods.includes("jwt") ? "JWT" : ""]
    .filter((m) => m !== "")
    .join(" or ");
  const parts = [
    ...(bearer ? [`send 'authorization: Bearer <${bearer}>'`] : []),
    ...(methods.includes("mtls") ? ["present a client certificate"] : []),
  ];
  return `missing credentials: ${parts.join(" or ")}`;
}

function unauthenticated(message: string): ApiError {
  return new ApiError(status.UNAUTHENTICATED, message, { reason: "UNAUTHENTICATED" });
}

/**
 * Decides one call from every method's outcome: any rejection refuses; credentials accepted by two methods
 * refuse; otherwise the one authenticated method names the caller; a credential that no method claims is
 * invalid; nothing at all is missing.
 */
export function decide(
  ctx: PresentedCredentials,
  authenticators: readonly Authenticator[],
  outcomes: readonly AuthOutcome[],
): { identity: Identity } | { refused: "missing" } | { refused: "invalid"; reasons: string[] } {
  const reasons = outcomes.flatMap((o, i) =>
    o.kind === "rejected" ? [`${authenticators[i]?.method}: ${o.reason}`] : [],
  );
  if (reasons.length > 0) return { refused: "invalid", reasons };
  const authenticated = outcomes.flatMap((o, i) => (o.kind === "authenticated" ? [authenticators[i]?.method] : []));
  // Two valid credentials of different methods (a client certificate and a bearer token): which one names the
  // caller, and whose roles apply, would be the proxy's guess. Refuse, whatever their order.
  if (authenticated.length > 1) {
    return { refused: "invalid", reasons: [`credentials of more than one method (${authenticated.join(", ")})`] };
  }
  const first = outcomes.find((o) => o.kind === "authenticated");
  if (first) return { identity: first.identity };
  const bearer = readBearer(ctx.metadata);
  if (bearer.kind === "malformed") return { refused: "invalid", reasons: [bearer.reason] };
  if (bearer.kind !== "none") {
    return {
      refused: "invalid",
      reasons: [`no enabled method accepts a${bearer.kind === "jwt" ? " JWT" : "n opaque"} bearer token`],
    };
  }
  return { refused: "missing" };
}

/** The identity resolver of the identity interceptor when auth is configured: names the caller or refuses. */
export function createAuthentication(authenticators: readonly Authenticator[], logger: Logger): IdentityResolver {
  const missingMessage = missingCredentialsMessage(authenticators.map((a) => a.method));
  return (ctx) =>
    inSpan(
      "authenticate",
      {},
      async (span) => {
        const identity = await authenticate(ctx);
        span.setAttributes({ "enduser.id": identity.id, "proxy.auth.method": identity.method });
        return identity;
      },
      { errorType: (error) => (error instanceof ApiError ? error.reason : "error") },
    );

  async function authenticate(ctx: Parameters<IdentityResolver>[0]): Promise<Identity> {
    let outcomes: AuthOutcome[];
    try {
      outcomes = await Promise.all(authenticators.map((a) => a.authenticate(ctx)));
    } catch (error) {
      if (error instanceof ApiError) throw error;
      logger.error({ method: ctx.method, err: error }, "authenticator failed");
      throw internalError(error);
    }
    const decision = decide(ctx, authenticators, outcomes);
    if ("identity" in decision) return decision.identity;
    // The reason, never the credential itself.
    const failure = decision.refused === "missing" ? "no credentials" : decision.reasons.join("; ");
    ctx.logFields.authFailure = failure;
    logger.warn({ method: `${ctx.service}/${ctx.method}`, peer: ctx.peer, reason: failure }, "authentication refused");
    throw unauthenticated(decision.refused === "missing" ? missingMessage : INVALID_CREDENTIALS_MESSAGE);
  }
}
