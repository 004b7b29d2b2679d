// API key entries kept in a secret (auth.apiKeysSecret): a JSON array of { name, sha256, roles }, so a
// deployment can manage keys in Secrets Manager instead of the configuration file. Read once at start;
// every entry is validated like an inline one, and every role must be defined under roles.
import { z } from "zod";
import { describeSecretRef } from "../config/schema-secret.js";
import { ApiKeyConfig, type AuthConfig } from "../config/security-schema.js";
import { resolveSecret } from "./resolve-secret.js";

type Env = Record<string, string | undefined>;

export class ApiKeysSecretError extends Error {
  constructor(reference: string, reason: string) {
    super(`auth.apiKeysSecret ${reference}: ${reason}`);
    this.name = "ApiKeysSecretError";
  }
}

/** The auth section with the secret's entries appended to apiKeys. */
export async function withApiKeysFromSecret(auth: AuthConfig, definedRoles: string[], env: Env): Promise<AuthConfig> {
  const ref = auth.apiKeysSecret;
  if (!ref) return auth;
  const reference = describeSecretRef(ref);
  const text = await resolveSecret(ref, env);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text; the text is secret-adjacent, so say only what is wrong.
    throw new ApiKeysSecretError(reference, "is not JSON (expected an array of { name, sha256, roles })");
  }
  const parsed = z.array(ApiKeyConfig).safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `[${issue.path.join("].")}` : "";
    throw new ApiKeysSecretError(reference, `entry${where}: ${issue?.message ?? "invalid"}`);
  }
  const known = new Set(definedRoles);
  const names = new Set(auth.apiKeys.map((k) => k.name));
  for (const entry of parsed.data) {
    for (const role of entry.roles) {
      if (!known.has(role))
        throw new ApiKeysSecretError(
          reference,
          `key "${entry.name}" grants role "${role}", which is not defined under roles`,
        );
    }
    if (names.has(entry.name)) throw new ApiKeysSecretError(reference, `key name "${entry.name}" is used twice`);
    names.add(entry.name);
  }
  return { ...auth, apiKeys: [...auth.apiKeys, ...parsed.data] };
}
