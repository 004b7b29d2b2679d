// Reads one piece of PEM material (certificate chain, key, CA bundle) from a file or a secret reference.
// Messages name the source, never the content.
import { readFile } from "node:fs/promises";
import { describeSecretRef } from "../config/schema-secret.js";
import type { TlsConfig } from "../config/security-schema.js";
import { resolveSecret } from "./resolve-secret.js";

export type PemSource = TlsConfig["cert"];
type Env = Record<string, string | undefined>;

export function describePemSource(source: PemSource): string {
  return "file" in source ? `{ file: ${source.file} }` : `{ secret: ${describeSecretRef(source.secret)} }`;
}

export async function readPem(source: PemSource, env: Env): Promise<string> {
  if ("secret" in source) return resolveSecret(source.secret, env);
  try {
    return await readFile(source.file, "utf8");
  } catch (error) {
    throw new Error(`cannot read ${describePemSource(source)} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
}
