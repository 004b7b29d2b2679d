// Turns zod issues into ConfigIssues a person can act on: dotted key, short message, "did you mean".
import type { z } from "zod";
import { type ConfigIssue, dottedPath } from "./config-error.js";
import { closestKey } from "./keys.js";
import { nodeAt } from "./schema-walk.js";

type Schema = z.core.$ZodType;

function plainMessage(issue: z.core.$ZodIssue): string {
  const message = issue.message.replace(/^Invalid input: /, "");
  const missing = /^expected (.+), received undefined$/.exec(message);
  return missing ? `required (expected ${missing[1]})` : message;
}

/** One or more ConfigIssues per zod issue (an unknown-keys issue names each key on its own). */
export function toConfigIssues(root: Schema, data: unknown, issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  return issues.flatMap((issue): ConfigIssue[] => {
    const path = issue.path;
    switch (issue.code) {
      case "unrecognized_keys": {
        const node = nodeAt(root, data, path);
        const valid = node?.kind === "object" ? node.keys : [];
        return issue.keys.map((key) => {
          const suggestion = closestKey(key, valid);
          const hint = suggestion
            ? ` (did you mean ${suggestion}?)`
            : valid.length
              ? ` (valid keys: ${valid.join(", ")})`
              : "";
          return { path: dottedPath([...path, key]), message: `unknown key${hint}` };
        });
      }
      case "invalid_key":
        return [{ path: dottedPath(path), message: `invalid name: ${issue.issues.map(plainMessage).join("; ")}` }];
      case "invalid_union": {
        if ("discriminator" in issue && issue.discriminator) {
          const options = (issue as { options?: unknown[] }).options ?? [];
          return [
            { path: dottedPath(path), message: `expected one of ${options.map((o) => JSON.stringify(o)).join(", ")}` },
          ];
        }
        // A union of objects whose keys exclude each other, such as a secret reference.
        const node = nodeAt(root, undefined, path);
        const message =
          node?.kind === "object" && node.exclusive
            ? `expected an object with exactly one of: ${node.keys.join(", ")}`
            : plainMessage(issue);
        return [{ path: dottedPath(path), message }];
      }
      default:
        return [{ path: dottedPath(path), message: plainMessage(issue) }];
    }
  });
}
