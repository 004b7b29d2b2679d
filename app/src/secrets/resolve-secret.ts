// Secrets are references (environment variable, file or AWS Secrets Manager), resolved when a connection needs
// them. Errors name the reference, never the value.
import { readFile } from "node:fs/promises";
import type { DatabaseConfig, SecretRef } from "../config/schema.js";
import { describeSecretRef } from "../config/schema-secret.js";
import { type AwsSecretsReader, createAwsSecretsReader } from "./aws-secrets-manager.js";
import { type DatabaseCredentials, databaseCredentialsFrom, selectSecretKey } from "./secret-json.js";

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

function unsupported(ref: never): never {
  throw new SecretError(JSON.stringify(Object.keys(ref as object)), "unsupported secret reference");
}

/** One reader (one SDK client per region) per environment object, shared by every reference resolved against it. */
const awsReaders = new WeakMap<Env, AwsSecretsReader>();
function defaultAwsReader(env: Env): AwsSecretsReader {
  let reader = awsReaders.get(env);
  if (!reader) {
    reader = createAwsSecretsReader(env);
    awsReaders.set(env, reader);
  }
  return reader;
}

/** Messages of these layers describe the lookup or the shape, never the content; anything else is not repeated. */
function reasonOf(error: unknown): string {
  const e = error as Error;
  return e.name === "AwsSecretLookupError" || e.name === "SecretFormatError" ? e.message : "the lookup failed";
}

export async function resolveSecret(ref: SecretRef, env: Env, aws?: AwsSecretsReader): Promise<string> {
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
  if ("awsSecret" in ref) {
    try {
      const text = await (aws ?? defaultAwsReader(env)).getSecretString(ref.awsSecret);
      const value = ref.key === undefined ? text : selectSecretKey(text, ref.key);
      if (value === "") throw new SecretError(reference, "the secret is empty");
      return value;
    } catch (error) {
      if (error instanceof SecretError) throw error;
      throw new SecretError(reference, reasonOf(error));
    }
  }
  return unsupported(ref);
}

export interface SecretCacheOptions {
  env?: Env;
  /** AWS Secrets Manager access; by default one reader per env object. */
  aws?: AwsSecretsReader;
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
  return cachedLookup(() => resolveSecret(ref, env, options.aws), ttlMs, options.now ?? Date.now);
}

/** The TTL cache behind cachedSecret, for any lookup (a whole JSON credentials secret too). */
function cachedLookup<T>(
  resolve: () => Promise<T>,
  ttlMs: number,
  now: () => number,
): (forceRefresh: boolean) => Promise<T> {
  let cached: { value: T; expiresAt: number } | undefined;
  let inFlight: Promise<T> | undefined;
  return (forceRefresh) => {
    if (!forceRefresh && cached && now() < cached.expiresAt) return Promise.resolve(cached.value);
    if (inFlight) return inFlight;
    const lookup = resolve().then(
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

/** Database credentials, fetched on each new connection; forceRefresh after the database rejected them. */
export type CredentialSource = (forceRefresh: boolean) => Promise<DatabaseCredentials | undefined>;

/** How long a resolved credential is reused before the reference is read again. */
export const CREDENTIAL_TTL_MS = 5 * 60_000;

/**
 * The credentials a driver uses for each new connection: user and password together from one RDS-style JSON
 * secret (`credentials`), or user from `user` or `userSecret` and password from `password`. Resolves to
 * undefined for SQLite, and for a server database that configures none (the driver's own defaults apply then).
 * A missing password is the empty string (trust or peer authentication).
 */
export function credentialSourceFor(db: DatabaseConfig, env: Env, options: SecretCacheOptions = {}): CredentialSource {
  if (db.driver === "sqlite") return async () => undefined;
  const now = options.now ?? Date.now;
  if (db.credentials !== undefined) {
    const ref = db.credentials;
    const reference = describeSecretRef(ref);
    return cachedLookup(
      async () => {
        const text = await resolveSecret(ref, env, options.aws);
        try {
          return databaseCredentialsFrom(text);
        } catch (error) {
          throw new SecretError(reference, reasonOf(error));
        }
      },
      CREDENTIAL_TTL_MS,
      now,
    );
  }
  if (db.user === undefined && db.userSecret === undefined && db.password === undefined) return async () => undefined;
  const cacheOptions = { env, now, ...(options.aws ? { aws: options.aws } : {}) };
  const user = db.userSecret ? cachedSecret(db.userSecret, CREDENTIAL_TTL_MS, cacheOptions) : undefined;
  const password = db.password ? cachedSecret(db.password, CREDENTIAL_TTL_MS, cacheOptions) : undefined;
  return async (forceRefresh) => ({
    user: user ? await user(forceRefresh) : (db.user ?? ""),
    password: password ? await password(forceRefresh) : "",
  });
}
