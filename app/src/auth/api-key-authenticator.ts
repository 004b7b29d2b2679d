// API keys: the configuration holds only the SHA-256 of each key. The presented key is hashed and compared
// in constant time against every configured hash, all of them, so timing reveals neither match nor position.
import { createHash, timingSafeEqual } from "node:crypto";
import type { AuthConfig } from "../config/security-schema.js";
import type { Authenticator, AuthOutcome } from "./authenticator.js";
import { readBearer } from "./bearer-token.js";

type ApiKeyEntry = AuthConfig["apiKeys"][number];

export function sha256Hex(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

export function createApiKeyAuthenticator(entries: readonly ApiKeyEntry[]): Authenticator {
  const keys = entries.map((entry) => ({ ...entry, digest: Buffer.from(entry.sha256, "hex") }));
  return {
    method: "api_key",
    async authenticate(ctx): Promise<AuthOutcome> {
      const bearer = readBearer(ctx.metadata);
      // Malformed headers and JWTs are not this method's to judge; the interceptor refuses unclaimed credentials.
      if (bearer.kind !== "opaque") return { kind: "absent" };
      const presented = createHash("sha256").update(bearer.token, "utf8").digest();
      let found: (typeof keys)[number] | undefined;
      for (const key of keys) {
        // No early exit: every entry is compared whatever the outcome.
        const equal = timingSafeEqual(presented, key.digest);
        if (equal && found === undefined) found = key;
      }
      if (!found) return { kind: "rejected", reason: "unknown API key" };
      return {
        kind: "authenticated",
        identity: { id: `api_key:${found.name}`, method: "api_key", roles: [...found.roles] },
      };
    },
  };
}
