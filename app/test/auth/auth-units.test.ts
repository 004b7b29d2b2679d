// The pieces of authentication that need no server: bearer parsing, the decision over several methods,
// claim paths, and the JWT authenticator against an unreachable JWKS.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Metadata, status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { createApiKeyAuthenticator, sha256Hex } from "../../src/auth/api-key-authenticator.js";
import type { Authenticator, AuthOutcome, PresentedCredentials } from "../../src/auth/authenticator.js";
import { readBearer } from "../../src/auth/bearer-token.js";
import { claimAt, createJwtAuthenticator, lifetimeRefusal, rolesFrom } from "../../src/auth/jwt-authenticator.js";
import { generateApiKey } from "../../src/cli/hash-key-command.js";
import { ApiError } from "../../src/core/api-error.js";
import { decide, missingCredentialsMessage } from "../../src/transport/interceptors/authentication.js";
import { startJwksServer } from "../support/jwks-server.js";

function contextWith(...authorization: string[]): PresentedCredentials {
  const metadata = new Metadata();
  for (const value of authorization) metadata.add("authorization", value);
  return { metadata, peerCertificate: undefined };
}

/** A method that answers with a fixed outcome: the decision logic is what is under test here. */
function fixedOutcome(method: Authenticator["method"], outcome: AuthOutcome): Authenticator {
  return { method, authenticate: async () => outcome };
}

describe("readBearer", () => {
  it.each([
    [[], "none"],
    [["Bearer abc.def"], "opaque"],
    [["Bearer a.b.c"], "opaque"], // two dots but no JOSE header
    [["Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln"], "jwt"],
    [["bearer   igp_x"], "opaque"],
    [["Bearer"], "malformed"],
    [["Basic dXNlcjpwYXNz"], "malformed"],
    [["igp_no_scheme"], "malformed"],
    [["Bearer two words"], "malformed"],
    [["Bearer a,Bearer b"], "malformed"],
    [["Bearer key1", "Bearer key2"], "malformed"],
  ])("%j -> %s", (values, kind) => {
    expect(readBearer(contextWith(...values).metadata).kind).toBe(kind);
  });
});

describe("decide", () => {
  const ok = (id: string): AuthOutcome => ({ kind: "authenticated", identity: { id, method: "api_key", roles: [] } });
  it("a rejected credential refuses the call even when another method authenticates it", () => {
    const authenticators = [
      fixedOutcome("jwt", ok("jwt:a")),
      fixedOutcome("mtls", { kind: "rejected", reason: "unknown certificate" }),
    ];
    const outcomes = [ok("jwt:a"), { kind: "rejected", reason: "unknown certificate" } as const];
    expect(decide(contextWith(), authenticators, outcomes)).toEqual({
      refused: "invalid",
      reasons: ["mtls: unknown certificate"],
    });
  });
  it("credentials that two methods accept refuse the call, whatever the order", () => {
    for (const order of [
      ["jwt", "mtls"],
      ["mtls", "jwt"],
    ] as const) {
      const authenticators = order.map((m) => fixedOutcome(m, ok(`${m}:x`)));
      expect(decide(contextWith(), authenticators, [ok("a"), ok("b")])).toEqual({
        refused: "invalid",
        reasons: [`credentials of more than one method (${order.join(", ")})`],
      });
    }
  });
  it("the one authenticated method names the caller", () => {
    const authenticators = [fixedOutcome("jwt", ok("jwt:a")), fixedOutcome("mtls", { kind: "absent" })];
    expect(decide(contextWith(), authenticators, [ok("jwt:a"), { kind: "absent" }])).toMatchObject({
      identity: { id: "jwt:a" },
    });
  });
  it("a bearer token no method claims is invalid, not missing", () => {
    const authenticators = [fixedOutcome("mtls", { kind: "absent" })];
    expect(decide(contextWith("Bearer igp_something"), authenticators, [{ kind: "absent" }])).toMatchObject({
      refused: "invalid",
    });
    expect(decide(contextWith(), authenticators, [{ kind: "absent" }])).toEqual({ refused: "missing" });
  });
  it("the missing-credentials message names the enabled methods", () => {
    expect(missingCredentialsMessage(["jwt", "api_key", "mtls"])).toBe(
      "missing credentials: send 'authorization: Bearer <API key or JWT>' or present a client certificate",
    );
    expect(missingCredentialsMessage(["api_key"])).toBe("missing credentials: send 'authorization: Bearer <API key>'");
    expect(missingCredentialsMessage(["mtls"])).toBe("missing credentials: present a client certificate");
  });
});

describe("API key authenticator", () => {
  const keys = [generateApiKey(), generateApiKey(), generateApiKey()];
  const authenticator = createApiKeyAuthenticator(
    keys.map((key, i) => ({ name: `k${i}`, sha256: sha256Hex(key), roles: [`r${i}`] })),
  );
  it("matches any position in the list, with its name and roles", async () => {
    for (const [i, key] of keys.entries()) {
      expect(await authenticator.authenticate(contextWith(`Bearer ${key}`))).toEqual({
        kind: "authenticated",
        identity: { id: `api_key:k${i}`, method: "api_key", roles: [`r${i}`] },
      });
    }
  });
  it("leaves JWTs and missing headers to others, rejects unknown keys", async () => {
    expect((await authenticator.authenticate(contextWith())).kind).toBe("absent");
    expect((await authenticator.authenticate(contextWith("Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln"))).kind).toBe("absent");
    expect(await authenticator.authenticate(contextWith(`Bearer ${generateApiKey()}`))).toEqual({
      kind: "rejected",
      reason: "unknown API key",
    });
  });
});

describe("claims", () => {
  it("an exact (namespaced) claim name wins over a dotted path", () => {
    expect(claimAt({ "https://example.com/roles": ["a"] }, "https://example.com/roles")).toEqual(["a"]);
    expect(claimAt({ realm_access: { roles: ["b"] } }, "realm_access.roles")).toEqual(["b"]);
    expect(claimAt({ realm_access: { roles: ["b"] } }, "realm_access.missing")).toBeUndefined();
    expect(claimAt({ a: "x" }, "a.length")).toBeUndefined();
  });
  it("roles from a string, a space-separated string, or an array of strings", () => {
    expect(rolesFrom("reader")).toEqual(["reader"]);
    expect(rolesFrom("reader  writer")).toEqual(["reader", "writer"]);
    expect(rolesFrom(["reader", 7, "", "writer"])).toEqual(["reader", "writer"]);
    expect(rolesFrom({ reader: true })).toEqual([]);
  });
});

describe("JWT authenticator", () => {
  const settings = (jwksUrl: string, issuer: string, audience: string) => ({
    jwksUrl,
    issuer,
    audience,
    algorithms: ["RS256" as const],
    rolesClaim: "roles",
    subjectClaim: "sub",
    clockToleranceSec: 0,
    jwksCacheMs: 600_000,
    jwksCooldownMs: 0,
    jwksTimeoutMs: 500,
    maxLifetimeSec: 3600,
  });

  it("an unreachable JWKS is UNAVAILABLE (retriable), not the caller's fault", async () => {
    const jwks = await startJwksServer();
    const token = await jwks.sign();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await jwks.close();
    const authenticator = createJwtAuthenticator(
      settings(`http://127.0.0.1:${port}/jwks.json`, jwks.issuer, jwks.audience),
    );
    const error = await authenticator.authenticate(contextWith(`Bearer ${token}`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe(status.UNAVAILABLE);
    expect((error as ApiError).reason).toBe("JWKS_UNAVAILABLE");
  });

  it("a JWKS answering 404 is UNAVAILABLE", async () => {
    const jwks = await startJwksServer();
    try {
      const authenticator = createJwtAuthenticator(settings(`${jwks.url}-nope`, jwks.issuer, jwks.audience));
      const error = await authenticator
        .authenticate(contextWith(`Bearer ${await jwks.sign()}`))
        .catch((e: unknown) => e);
      expect((error as ApiError).code).toBe(status.UNAVAILABLE);
    } finally {
      await jwks.close();
    }
  });

  it("roles and identity from a verified token; the reason of a refusal is specific", async () => {
    const jwks = await startJwksServer();
    try {
      const authenticator = createJwtAuthenticator(settings(jwks.url, jwks.issuer, jwks.audience));
      expect(
        await authenticator.authenticate(
          contextWith(`Bearer ${await jwks.sign({ sub: "dave", roles: ["r1", "r2"] })}`),
        ),
      ).toEqual({
        kind: "authenticated",
        identity: { id: "jwt:dave", method: "jwt", roles: ["r1", "r2"] },
      });
      const now = Math.floor(Date.now() / 1000);
      expect(await authenticator.authenticate(contextWith(`Bearer ${await jwks.sign({ exp: now - 10 })}`))).toEqual({
        kind: "rejected",
        reason: "token expired",
      });
      expect(await authenticator.authenticate(contextWith(`Bearer ${await jwks.sign({ aud: "x" })}`))).toEqual({
        kind: "rejected",
        reason: 'unexpected "aud" claim value',
      });
    } finally {
      await jwks.close();
    }
  });
});

describe("JWT lifetime (auth.jwt.maxLifetimeSec)", () => {
  const now = 1_800_000_000;
  it.each([
    [{ iat: now, exp: now + 3600 }, undefined],
    [{ iat: now - 7000, exp: now + 60 }, /7060 s \(exp - iat\)/],
    [{ exp: now + 3600 }, undefined],
    [{ exp: now + 3601 }, /3601 s \(exp - now \(no iat\)\)/],
    // A future iat would make exp - iat look short while the token stays valid for days.
    [{ iat: now + 10 * 86_400, exp: now + 10 * 86_400 + 60 }, /iat in the future/],
    [{ iat: now }, /no exp/],
  ])("%j -> %s", (claims, expected) => {
    const reason = lifetimeRefusal(claims, 3600, now);
    if (expected === undefined) expect(reason).toBeUndefined();
    else expect(reason).toMatch(expected);
  });
});
