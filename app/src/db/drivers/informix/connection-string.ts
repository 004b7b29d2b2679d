// Builds the IBM CLI connection string (keyword=value;...) that ibm_db passes to SQLDriverConnect. ibm_db
// speaks DRDA, so HOSTNAME/PORT must name the server's drsoctcp listener (9089 in the developer image),
// never the SQLI port 9088. The password only ever lives in the string handed to ibm_db; logs get redact().
import type { InformixDatabaseConfig } from "../../../config/schema.js";
import { DbError } from "../../errors.js";

/** Keywords the driver sets itself; options may not override them (a typo there would hide the real value). */
const RESERVED = new Set(["DATABASE", "HOSTNAME", "PORT", "PROTOCOL", "UID", "PWD", "DRIVER", "DSN"]);
const KEYWORD = /^[A-Za-z][A-Za-z0-9_]*$/;

export interface CliCredentials {
  user?: string;
  password?: string;
}

export interface CliConnectionString {
  /** The real string, for ibm_db only. */
  readonly value: string;
  /** The same with PWD masked, safe for logs and errors. */
  readonly redacted: string;
}

/**
 * Quotes one value by the CLI rules: plain when it has no special character, wrapped in braces when it
 * contains ';' or starts/ends with blanks or '{'. A '}' cannot be carried inside braces and control
 * characters cannot be carried at all, so those are rejected rather than silently mangled.
 */
export function quoteCliValue(keyword: string, value: string): string {
  if (/[\0\r\n]/.test(value)) {
    throw new DbError("unsupported", `Informix connection keyword ${keyword}: value contains a control character`);
  }
  const needsBraces = value.includes(";") || value.startsWith("{") || /^\s|\s$/.test(value) || value === "";
  if (!needsBraces) return value;
  if (value.includes("}")) {
    throw new DbError(
      "unsupported",
      `Informix connection keyword ${keyword}: a value containing ';' (or leading blanks or '{') is wrapped in {braces} and must not contain '}'`,
    );
  }
  return `{${value}}`;
}

export function buildConnectionString(
  config: InformixDatabaseConfig,
  credentials: CliCredentials,
): CliConnectionString {
  const pairs: Array<[string, string]> = [
    ["DATABASE", config.database],
    ["HOSTNAME", config.host],
    ["PORT", String(config.port)],
    ["PROTOCOL", config.protocol],
  ];
  if (credentials.user !== undefined) pairs.push(["UID", credentials.user]);
  for (const [keyword, value] of Object.entries(config.options)) {
    if (!KEYWORD.test(keyword)) {
      throw new DbError("unsupported", `Informix connection option "${keyword}" is not a valid CLI keyword`);
    }
    if (RESERVED.has(keyword.toUpperCase())) {
      throw new DbError(
        "unsupported",
        `Informix connection option ${keyword} is set by the driver from host/port/database/protocol/credentials`,
      );
    }
    pairs.push([keyword, value]);
  }
  const head = pairs.map(([k, v]) => `${k}=${quoteCliValue(k, v)};`).join("");
  if (credentials.password === undefined) return { value: head, redacted: head };
  return { value: `${head}PWD=${quoteCliValue("PWD", credentials.password)};`, redacted: `${head}PWD=*****;` };
}
