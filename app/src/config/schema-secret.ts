// The secret reference type, in its own file so every schema file can use it without import cycles.
import { z } from "zod";

/** A secret is always a reference, never a literal: environment variable or file (trailing newline trimmed).
 * AWS Secrets Manager secrets are cached with a TTL and fetched again when the database rejects them. */
export const SecretRef = z
  .union([
    z.strictObject({ env: z.string().min(1).describe("Name of an environment variable holding the secret") }),
    z.strictObject({
      file: z.string().min(1).describe("Path of a file holding the secret (Docker/Kubernetes secret)"),
    }),
    z.strictObject({
      awsSecret: z.string().min(1).describe("AWS Secrets Manager secret ARN or name"),
      key: z.string().min(1).optional().describe("JSON key inside the secret (e.g. password); absent = whole string"),
    }),
  ])
  .describe("Secret reference: { env: NAME }, { file: PATH } or { awsSecret: ARN, key?: JSON_KEY }");
export type SecretRef = z.infer<typeof SecretRef>;

/** How a reference is shown in messages and print-config: where the secret lives, never what it is. */
export function describeSecretRef(ref: SecretRef): string {
  if ("env" in ref) return `{ env: ${ref.env} }`;
  if ("file" in ref) return `{ file: ${ref.file} }`;
  if ("awsSecret" in ref)
    return ref.key ? `{ awsSecret: ${ref.awsSecret}, key: ${ref.key} }` : `{ awsSecret: ${ref.awsSecret} }`;
  return unsupported(ref);
}

function unsupported(ref: never): never {
  throw new Error(`unsupported secret reference ${JSON.stringify(Object.keys(ref as object))}`);
}
