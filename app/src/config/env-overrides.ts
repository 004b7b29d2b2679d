// Environment variables override single keys of the file: PROXY__SERVER__GRPC_PORT=6000 sets server.grpcPort.
// Each segment matches a schema key case-insensitively with underscores ignored; values are YAML scalars.
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { ConfigError, type ConfigIssue, dottedPath } from "./config-error.js";
import { closestKey, normalizeKey } from "./keys.js";
import { acceptsString, describeNode } from "./schema-walk.js";

export const ENV_PREFIX = "PROXY__";
/** Names the configuration file (single underscore: it is not an override). */
export const CONFIG_FILE_VARIABLE = "PROXY_CONFIG";

export interface AppliedOverride {
  variable: string;
  /** Dotted path of the key it set. */
  path: string;
}

type Schema = z.core.$ZodType;
type Mutable = Record<string, unknown>;

function isObject(value: unknown): value is Mutable {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A YAML scalar: "true" -> true, "6000" -> 6000; anything that is not a scalar stays the raw text. */
function parseScalar(raw: string): unknown {
  try {
    const parsed: unknown = parseYaml(raw);
    return parsed !== null && typeof parsed === "object" ? raw : parsed;
  } catch {
    return raw;
  }
}

class OverrideProblem extends Error {}

function applyOne(root: Schema, data: Mutable, variable: string, raw: string): string {
  const segments = variable.slice(ENV_PREFIX.length).split("__");
  if (segments.some((segment) => segment === "")) throw new OverrideProblem("empty key segment (use __ between keys)");
  let schema = root;
  let container = data;
  const path: string[] = [];
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    const where = path.length ? dottedPath(path) : "the top level";
    const node = describeNode(schema, container);
    let key: string;
    let childSchema: Schema;
    if (node.kind === "object") {
      const found = node.keys.find((candidate) => normalizeKey(candidate) === normalizeKey(segment));
      if (!found) {
        const suggestion = closestKey(segment, node.keys);
        throw new OverrideProblem(
          `no key "${segment}" in ${where}${suggestion ? ` (did you mean ${suggestion}?)` : ""}; valid keys: ${node.keys.join(", ")}`,
        );
      }
      key = found;
      childSchema = node.child(found) as Schema;
      if (node.exclusive) {
        // Switching a secret reference from { file } to { env }: drop the keys of the other option.
        const companions = node.companions(found);
        for (const existing of Object.keys(container)) if (!companions.includes(existing)) delete container[existing];
      }
    } else if (node.kind === "record") {
      const existing = Object.keys(container).find((candidate) => normalizeKey(candidate) === normalizeKey(segment));
      const valueIsLeaf = describeNode(node.value, undefined).kind === "leaf";
      if (existing) key = existing;
      else if (last && valueIsLeaf) key = segment;
      else {
        const names = Object.keys(container);
        throw new OverrideProblem(
          `no entry "${segment}" in ${where} (defined: ${names.join(", ") || "none"}); ` +
            "environment variables override keys of entries the file defines",
        );
      }
      childSchema = node.value;
    } else {
      throw new OverrideProblem(`${where} is a single value, not a section`);
    }
    path.push(key);
    if (last) {
      if (describeNode(childSchema, container[key]).kind !== "leaf") {
        throw new OverrideProblem(`${dottedPath(path)} is a section, not a single key; set the keys inside it`);
      }
      container[key] = acceptsString(childSchema) ? raw : parseScalar(raw);
    } else {
      if (!isObject(container[key])) container[key] = {};
      container = container[key] as Mutable;
      schema = childSchema;
    }
  }
  return dottedPath(path);
}

/**
 * Returns a copy of `data` with every PROXY__ variable applied (sorted by name, so the result does not depend
 * on the order of the environment). Throws ConfigError naming each variable that matches no key.
 */
export function applyEnvOverrides(
  root: Schema,
  data: Mutable,
  env: Record<string, string | undefined>,
): { data: Mutable; applied: AppliedOverride[] } {
  const result = structuredClone(data);
  const applied: AppliedOverride[] = [];
  const issues: ConfigIssue[] = [];
  const variables = Object.keys(env)
    .filter((name) => name.startsWith(ENV_PREFIX) && env[name] !== undefined)
    .sort();
  for (const variable of variables) {
    try {
      applied.push({ variable, path: applyOne(root, result, variable, env[variable] as string) });
    } catch (error) {
      if (!(error instanceof OverrideProblem)) throw error;
      issues.push({ path: variable, message: `environment variable matches no configuration key: ${error.message}` });
    }
  }
  if (issues.length) throw new ConfigError("the environment", issues);
  return { data: result, applied };
}
