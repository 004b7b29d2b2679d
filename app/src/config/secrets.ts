// Secrets are references (environment variable or file), resolved when a connection needs them. Errors name
// the reference, never the value. AWS Secrets Manager joins the SecretRef union later: add a case below.
import { readFile } from "node:fs/promises";
import type { CredentialSource } from "../db/driver.js";
import type { DatabaseConfig, SecretRef } from "./schema.js";

type Env = Record<string, string | undefined>;

export class SecretError extends Error {
  constructor(
    readonly reference: string,
    reason: string,
  ) {
    super(`secret ${reference}: ${reason}`);
    this.name = "SecretError";
  }
}

/** How a reference is shown in messages and print-config: where the secret lives, never what it is. */
export function describeSecretRef(ref: SecretRef): string {
  if ("env" in ref) return `{ env: ${ref.env} }`;
  if ("file" in ref) return `{ file: ${ref.file} }`;
  if ("awsSecret" in ref) return ref.key ? `{ awsSecret: ${ref.awsSecret}, key: ${ref.key} }` : `{ awsSecret: ${ref.awsSecret} }`;
  return unsupported(ref);
}

function unsupported(ref: never): never {
  throw new SecretError(JSON.stringify(Object.keys(ref as object)), "unsupported secret reference");
}

export async function resolveSecret(ref: SecretRef, env: Env): Promise<string> {
  const reference = describeSecretRef(ref);
  if ("env" in ref) {
    const value = env[ref.env];
    if (value === undefined) throw new SecretError(reference, "environment variable is not set");
    if (value === "") throw new SecretError(reference, "environment variable is empty");
    return value;
  }
  if ("file" in ref) {
    let text: string;
    try {
      text = await readFile(ref.file, "utf8");
    } catch (error) {
      // The code (ENOENT, EACCES) is enough; the error object carries nothing of the content anyway.
      throw new SecretError(reference, `cannot read the file (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
    // Secret files usually end with a newline (echo, kubectl create secret --from-file); it is not part of the secret.
    const value = text.replace(/\r?\n$/, "");
    if (value === "") throw new SecretError(reference, "the file is empty");
    return value;
  }
  if ("awsSecret" in ref) throw new SecretError(reference, "AWS Secrets Manager references are not supported yet");
  return unsupported(ref);
}

export interface SecretCacheOptions {
  env?: Env;
  /** Milliseconds since some epoch; injectable so tests can move time. */
  now?: () => number;
}

/**
 * A resolver that keeps a secret for ttlMs, so a pool opening many connections reads the file once, yet a rotated
 * secret is picked up. forceRefresh (after the database rejected the credentials) bypasses the cache. Concurrent
 * callers share one lookup; failures are not cached.
 */
export function cachedSecret(
  ref: SecretRef,
  ttlMs: number,
  options: SecretCacheOptions = {},
): (forceRefresh: boolean) => Promise<string> {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  let cached: { value: string; expiresAt: number } | undefined;
  let inFlight: Promise<string> | undefined;
  return (forceRefresh) => {
    if (!forceRefresh && cached && now() < cached.expiresAt) return Promise.resolve(cached.value);
    if (inFlight) return inFlight;
    const lookup = resolveSecret(ref, env).then(
      (value) => {
        cached = { value, expiresAt: now() + ttlMs };
        inFlight = undefined;
        return value;
      },
      (error: unknown) => {
        cached = undefined;
        inFlight = undefined;
        throw error;
      },
    );
    inFlight = lookup;
    return lookup;
  };
}

/** How long a resolved credential is reused before the reference is read again. */
export const CREDENTIAL_TTL_MS = 5 * 60_000;

/**
 * The credentials a driver uses for each new connection: user from `user` or `userSecret`, password from
 * `password`. Resolves to undefined for SQLite, and for a server database that configures neither (the
 * driver's own defaults apply then). A missing password is the empty string (trust or peer authentication).
 */
export function credentialSourceFor(db: DatabaseConfig, env: Env, options: SecretCacheOptions = {}): CredentialSource {
  if (db.driver === "sqlite") return async () => undefined;
  if (db.user === undefined && db.userSecret === undefined && db.password === undefined) return async () => undefined;
  const cacheOptions = { env, ...(options.now ? { now: options.now } : {}) };
  const user = db.userSecret ? cachedSecret(db.userSecret, CREDENTIAL_TTL_MS, cacheOptions) : undefined;
  const password = db.password ? cachedSecret(db.password, CREDENTIAL_TTL_MS, cacheOptions) : undefined;
  return async (forceRefresh) => ({
    user: user ? await user(forceRefresh) : (db.user ?? ""),
    password: password ? await password(forceRefresh) : "",
  });
}
