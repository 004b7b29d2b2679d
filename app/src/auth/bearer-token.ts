// Reads the `authorization: Bearer <token>` header shared by the API-key and JWT methods, and tells a JWT
// from an opaque API key so that each token is judged by exactly one method.
import type { Metadata } from "@grpc/grpc-js";
import { decodeProtectedHeader } from "jose";

export type BearerCredential =
  /** No authorization header at all. */
  | { kind: "none" }
  /** A header is present but is not one well-formed Bearer token (wrong scheme, empty, repeated). */
  | { kind: "malformed"; reason: string }
  | { kind: "jwt"; token: string }
  | { kind: "opaque"; token: string };

// RFC 6750 b64token, plus whitespace-free: enough to refuse header smuggling and odd bytes early.
const TOKEN_SHAPE = /^[A-Za-z0-9\-._~+/]+=*$/;

export function readBearer(metadata: Metadata): BearerCredential {
  const values = metadata.get("authorization");
  if (values.length === 0) return { kind: "none" };
  if (values.length > 1) return { kind: "malformed", reason: "more than one authorization header" };
  const value = values[0];
  if (typeof value !== "string") return { kind: "malformed", reason: "binary authorization header" };
  const match = /^(\S+)[ \t]*(.*)$/s.exec(value.trim());
  // The scheme is case-insensitive (RFC 7235).
  if (match?.[1]?.toLowerCase() !== "bearer")
    return { kind: "malformed", reason: "authorization scheme is not Bearer" };
  const token = (match[2] ?? "").trim();
  if (token === "") return { kind: "malformed", reason: "empty bearer token" };
  if (!TOKEN_SHAPE.test(token)) return { kind: "malformed", reason: "bearer token has characters outside RFC 6750" };
  return looksLikeJwt(token) ? { kind: "jwt", token } : { kind: "opaque", token };
}

/** Two dots and a first segment that decodes to a JOSE header with an alg: a JWS compact token. */
export function looksLikeJwt(token: string): boolean {
  if (token.split(".").length !== 3) return false;
  try {
    return typeof decodeProtectedHeader(token).alg === "string";
  } catch {
    return false;
  }
}
