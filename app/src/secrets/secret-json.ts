// JSON secrets: one field selected by a key, or the RDS-style credentials object (username, password, host, port,
// dbname, and `server` for Informix). Parse errors are reported without JSON.parse's message, which quotes the text.

export class SecretFormatError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "SecretFormatError";
  }
}

function parseObject(text: string, purpose: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SecretFormatError(`the secret is not JSON, so ${purpose}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new SecretFormatError(`the secret is JSON but not an object, so ${purpose}`);
  }
  return parsed as Record<string, unknown>;
}

/** The field `key` of a JSON object secret, as a string (numbers such as port are accepted and converted). */
export function selectSecretKey(text: string, key: string): string {
  const object = parseObject(text, `key "${key}" cannot be selected`);
  if (!Object.hasOwn(object, key)) {
    const keys = Object.keys(object).sort().join(", ");
    throw new SecretFormatError(`the secret has no key "${key}" (its keys: ${keys || "none"})`);
  }
  const value = object[key];
  if (typeof value === "string") {
    if (value === "") throw new SecretFormatError(`key "${key}" is empty`);
    return value;
  }
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw new SecretFormatError(`key "${key}" is not a string or number`);
}

export interface DatabaseCredentials {
  user: string;
  password: string;
}

/** user and password from an RDS-style secret: {"username": "...", "password": "...", ...}. */
export function databaseCredentialsFrom(text: string): DatabaseCredentials {
  const purpose = 'username and password cannot be read (expected an RDS-style {"username", "password", ...})';
  parseObject(text, purpose);
  return { user: selectSecretKey(text, "username"), password: selectSecretKey(text, "password") };
}
