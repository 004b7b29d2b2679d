// `hash-api-key`: issues an API key. Generates a random key (or takes one from stdin) and prints the key
// once, with its SHA-256 and the configuration entry; only the hash goes into the proxy's configuration.
import { randomBytes } from "node:crypto";
import type { Readable, Writable } from "node:stream";
import { stringify } from "yaml";
import { sha256Hex } from "../auth/api-key-authenticator.js";
import { looksLikeJwt } from "../auth/bearer-token.js";

export const API_KEY_PREFIX = "igp_";
const MIN_KEY_LENGTH = 24;
// What an `authorization: Bearer` value may carry (RFC 6750 b64token).
const KEY_SHAPE = /^[A-Za-z0-9\-._~+/]+=*$/;

/** 256 random bits, base64url, with a prefix that secret scanners can recognise. */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/** Why a supplied key cannot be used as an API key, or undefined when it can. */
export function apiKeyProblem(key: string): string | undefined {
  if (key.length < MIN_KEY_LENGTH) return `an API key needs at least ${MIN_KEY_LENGTH} characters`;
  if (!KEY_SHAPE.test(key)) return "an API key may contain only letters, digits and - . _ ~ + / (then = padding)";
  if (looksLikeJwt(key)) return "this looks like a JWT; the proxy would verify it as one, not as an API key";
  return undefined;
}

export interface HashKeyOptions {
  name: string;
  roles: string[];
  /** Read the key from stdin instead of generating one. */
  stdin: boolean;
}

export interface HashKeyIo {
  input: Readable;
  out: Writable;
  err: Writable;
}

async function readAll(input: Readable): Promise<string> {
  let text = "";
  for await (const chunk of input) text += typeof chunk === "string" ? chunk : (chunk as Buffer).toString("utf8");
  return text;
}

/** Returns the process exit code. */
export async function runHashKeyCommand(options: HashKeyOptions, io: HashKeyIo): Promise<number> {
  let key: string;
  if (options.stdin) {
    // One trailing newline from `echo` or a file is not part of the key.
    key = (await readAll(io.input)).replace(/\r?\n$/, "");
    const problem = apiKeyProblem(key);
    if (problem) {
      io.err.write(`hash-api-key: ${problem}\n`);
      return 2;
    }
  } else {
    key = generateApiKey();
  }
  const entry = { name: options.name, sha256: sha256Hex(key), roles: options.roles };
  io.out.write(`key: ${key}\n`);
  io.out.write(`sha256: ${entry.sha256}\n`);
  io.out.write("# Give the key to the client (authorization: Bearer <key>); it is stored nowhere else.\n");
  io.out.write("# Add this entry under auth.apiKeys in the proxy configuration:\n");
  io.out.write(`${stringify([entry]).replace(/^/gm, "  ").trimEnd()}\n`);
  return 0;
}
