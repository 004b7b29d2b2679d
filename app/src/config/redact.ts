// print-config shows the effective configuration without secrets. References ({ env: NAME }, { file: PATH })
// stay: they say where a secret lives, not what it is. Any literal under a secret-sounding key is hidden, so a
// future key that holds a literal cannot leak through print-config either.
import type { ProxyConfig } from "./schema.js";

export const REDACTED = "<redacted>";

/** password, passwd, pwd, secret, token, key (apiKey, privateKey...), credential(s), auth (not "author"). */
const SECRET_KEY = /pass(word|wd)?|pwd|secret|token|key$|credential|^auth$|authorization/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

function redactValue(value: unknown, underSecretKey: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => redactValue(item, underSecretKey));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => {
        // Inside a secret-named key only a reference may stay: its env/file members are names, not values.
        const secret = isSecretKey(key) || (underSecretKey && !REFERENCE_KEYS.has(key));
        return [key, redactValue(inner, secret)];
      }),
    );
  }
  if (underSecretKey && value !== null && value !== undefined && typeof value !== "boolean") return REDACTED;
  return value;
}

/** Members of a secret reference; their values are names and paths, safe to print. */
const REFERENCE_KEYS = new Set(["env", "file", "awsSecret", "key"]);

export function redactedConfig(config: ProxyConfig): unknown {
  return redactValue(config, false);
}
