// Walks the zod schema alongside raw (unvalidated) data, so that environment overrides can find the key a
// variable names and error messages can suggest the valid keys at a path. Reads zod v4's public `_zod.def`.
import type { z } from "zod";

type Schema = z.core.$ZodType;

/** What sits at one point of the schema, as far as paths are concerned. */
export type SchemaNode =
  | {
      kind: "object";
      keys: string[];
      child: (key: string) => Schema | undefined;
      /** A union of objects without discriminator (a secret reference): its options exclude each other. */
      exclusive: boolean;
      /** The keys that may stand beside `key` (all keys, or those of the union options that have it). */
      companions: (key: string) => string[];
    }
  | { kind: "record"; value: Schema }
  | { kind: "leaf"; schema: Schema };

// biome-ignore lint/suspicious/noExplicitAny: zod's def is a tagged union that we read generically.
type AnyDef = any;

function defOf(schema: Schema): AnyDef {
  return schema._zod.def;
}

/** Strips wrappers (default, optional, pipe...) down to the schema that decides the shape. */
export function unwrap(schema: Schema): Schema {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    switch (def.type) {
      case "default":
      case "prefault":
      case "optional":
      case "nullable":
      case "nonoptional":
      case "readonly":
      case "catch":
        current = def.innerType;
        break;
      case "pipe":
        current = def.in;
        break;
      case "lazy":
        current = def.getter();
        break;
      default:
        return current;
    }
  }
}

/** The first description found on the schema or the wrappers inside it. */
export function descriptionOf(schema: Schema): string | undefined {
  let current: Schema | undefined = schema;
  while (current) {
    const description = (current as { description?: string }).description;
    if (description) return description;
    const def = defOf(current);
    current = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
  }
  return undefined;
}

function objectShape(schema: Schema): Record<string, Schema> | undefined {
  const inner = unwrap(schema);
  const def = defOf(inner);
  return def.type === "object" ? (def.shape as Record<string, Schema>) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Describes the schema at one point; `data` (the raw value there) picks the branch of a discriminated union. */
export function describeNode(schema: Schema, data: unknown): SchemaNode {
  const inner = unwrap(schema);
  const def = defOf(inner);
  if (def.type === "object") {
    const shape = def.shape as Record<string, Schema>;
    const keys = Object.keys(shape);
    return { kind: "object", keys, child: (key) => shape[key], exclusive: false, companions: () => keys };
  }
  if (def.type === "record") return { kind: "record", value: def.valueType };
  if (def.type === "union") {
    const options = (def.options as Schema[]).filter((option) => objectShape(option) !== undefined);
    if (options.length === 0) return { kind: "leaf", schema: inner };
    const discriminator: string | undefined = def.discriminator;
    if (discriminator !== undefined && isRecord(data)) {
      const chosen = options.find((option) =>
        literalValues(objectShape(option)?.[discriminator]).includes(data[discriminator]),
      );
      if (chosen) return describeNode(chosen, data);
    }
    const keys = [...new Set(options.flatMap((option) => Object.keys(objectShape(option) ?? {})))];
    return {
      kind: "object",
      keys,
      child: (key) => options.map((option) => objectShape(option)?.[key]).find((found) => found !== undefined),
      exclusive: discriminator === undefined,
      companions: (key) =>
        options.flatMap((option) => {
          const shape = objectShape(option) ?? {};
          return key in shape ? Object.keys(shape) : [];
        }),
    };
  }
  return { kind: "leaf", schema: inner };
}

function literalValues(schema: Schema | undefined): unknown[] {
  if (!schema) return [];
  const def = defOf(unwrap(schema));
  return def.type === "literal" ? (def.values as unknown[]) : [];
}

/** The schema node at a path of raw data, or undefined when the path leaves the schema. */
export function nodeAt(root: Schema, data: unknown, path: readonly PropertyKey[]): SchemaNode | undefined {
  let schema = root;
  let value = data;
  for (const segment of path) {
    const node = describeNode(schema, value);
    const key = String(segment);
    if (node.kind === "object") {
      const child = node.child(key);
      if (!child) return undefined;
      schema = child;
    } else if (node.kind === "record") {
      schema = node.value;
    } else {
      return undefined;
    }
    value = isRecord(value) ? value[key] : undefined;
  }
  return describeNode(schema, value);
}

/** True when a leaf takes text, so an environment value must stay a string ("5432" as a database name). */
export function acceptsString(schema: Schema): boolean {
  const inner = unwrap(schema);
  const def = defOf(inner);
  switch (def.type) {
    case "string":
      return true;
    case "enum":
      return Object.values(def.entries as Record<string, unknown>).some((entry) => typeof entry === "string");
    case "literal":
      return (def.values as unknown[]).some((entry) => typeof entry === "string");
    case "union":
      return (def.options as Schema[]).some(acceptsString);
    default:
      return false;
  }
}
