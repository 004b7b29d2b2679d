// config.schema.json (for editors: yaml-language-server, VS Code, IntelliJ) and the reference table of
// docs/configuration.md, both generated from the zod schema so they cannot disagree with the code.
import { z } from "zod";
import { ProxyConfig } from "./schema.js";

export const SCHEMA_ID = "https://github.com/informix-grpc-proxy/informix-grpc-proxy/config.schema.json";

type JsonSchema = Record<string, unknown>;

/** Input shape: keys with defaults are optional, as a person writes the file. */
export function buildJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(ProxyConfig, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: SCHEMA_ID,
    title: "informix-grpc-proxy configuration",
    description: "Generated from app/src/config/schema.ts by app/scripts/gen-config-schema.mjs; do not edit.",
    ...rest,
  };
}

interface Row {
  key: string;
  type: string;
  default: string;
  description: string;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function asSchema(value: unknown): JsonSchema {
  return (value ?? {}) as JsonSchema;
}

function optionsOf(schema: JsonSchema): JsonSchema[] | undefined {
  const options = schema.oneOf ?? schema.anyOf;
  return Array.isArray(options) ? options.map(asSchema) : undefined;
}

function isSection(schema: JsonSchema): boolean {
  return schema.type === "object" && schema.properties !== undefined;
}

function typeOf(schema: JsonSchema): string {
  const options = optionsOf(schema);
  if (options) {
    // A secret reference: a union of one-key objects.
    const keys = options.map((option) => Object.keys(asSchema(option.properties)));
    if (keys.every((k) => k.length >= 1))
      return `secret reference: ${keys.map((k) => `{ ${k.join(", ")} }`).join(" or ")}`;
    return options.map(typeOf).join(" or ");
  }
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v) => `\`${String(v)}\``).join(", ")}`;
  if (schema.type === "object" && schema.additionalProperties !== undefined) {
    return `map of ${typeOf(asSchema(schema.additionalProperties))}`;
  }
  const type = String(schema.type ?? "any");
  if (type === "integer" || type === "number") {
    const min = schema.minimum as number | undefined;
    const max = schema.maximum as number | undefined;
    if (min !== undefined && max !== undefined && max < MAX_SAFE) return `${type} ${min}–${max}`;
    if (min !== undefined) return `${type} ≥ ${min}`;
  }
  return type;
}

function escapeCell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

function rowsOf(prefix: string, schema: JsonSchema, sections: Map<string, Row[]>, section: string): void {
  const required = new Set((schema.required as string[] | undefined) ?? []);
  for (const [key, value] of Object.entries(asSchema(schema.properties))) {
    const property = asSchema(value);
    const path = `${prefix}.${key}`;
    if (isSection(property)) {
      // Sections shared by every driver (the pool) are listed once.
      if (!sections.has(path)) rowsOf(path, property, sections, path);
      continue;
    }
    const rows = sections.get(section) ?? [];
    sections.set(section, rows);
    rows.push({
      key: path,
      type: typeOf(property),
      default:
        property.default !== undefined
          ? `\`${JSON.stringify(property.default)}\``
          : required.has(key)
            ? "required"
            : "—",
      description: String(property.description ?? ""),
    });
  }
}

const TOP_LEVEL_ORDER = ["server", "databases", "limits", "sessions", "logging"];

function sectionRank(name: string): number {
  const top = TOP_LEVEL_ORDER.indexOf(name.split(/[.\s]/)[0] as string);
  const rank = (top < 0 ? TOP_LEVEL_ORDER.length : top) * 100;
  if (name.startsWith("databases.<name> (driver: "))
    return rank + ["sqlite", "postgres", "informix"].findIndex((d) => name.includes(d));
  return rank + name.split(".").length + 10;
}

/** The reference section of docs/configuration.md: one table per section, every key with type and default. */
export function buildReferenceMarkdown(): string {
  const schema = z.toJSONSchema(ProxyConfig, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const sections = new Map<string, Row[]>();
  const descriptions = new Map<string, string>();
  for (const [key, value] of Object.entries(asSchema(schema.properties))) {
    const property = asSchema(value);
    descriptions.set(key, String(property.description ?? ""));
    if (key === "databases") {
      for (const option of optionsOf(asSchema(property.additionalProperties)) ?? []) {
        const driver = String(asSchema(asSchema(option.properties).driver).const);
        const section = `databases.<name> (driver: ${driver})`;
        descriptions.set(section, String(asSchema(asSchema(option.properties).driver).description ?? ""));
        rowsOf("databases.<name>", option, sections, section);
      }
    } else {
      rowsOf(key, property, sections, key);
    }
  }
  descriptions.set("databases.<name>.pool", "Connection pool of each database (the same keys for every driver)");
  // The pool section was met inside the first driver; print it after all of them.
  const order = [...sections.keys()].sort((a, b) => sectionRank(a) - sectionRank(b));

  const out: string[] = [];
  for (const name of order) {
    const rows = sections.get(name) ?? [];
    out.push(`### \`${name}\``, "");
    const description = descriptions.get(name);
    if (description) out.push(description, "");
    out.push("| key | type | default | description |", "|---|---|---|---|");
    for (const row of rows) {
      out.push(
        `| \`${row.key}\` | ${escapeCell(row.type)} | ${escapeCell(row.default)} | ${escapeCell(row.description)} |`,
      );
    }
    out.push("");
  }
  return out.join("\n");
}

export const REFERENCE_BEGIN = "<!-- BEGIN GENERATED REFERENCE (npm run gen:config-schema) -->";
export const REFERENCE_END = "<!-- END GENERATED REFERENCE -->";

/** Replaces the text between the markers of docs/configuration.md with the generated reference. */
export function spliceReference(document: string, reference: string): string {
  const begin = document.indexOf(REFERENCE_BEGIN);
  const end = document.indexOf(REFERENCE_END);
  if (begin < 0 || end < begin)
    throw new Error(`docs/configuration.md lacks the markers ${REFERENCE_BEGIN} ... ${REFERENCE_END}`);
  return `${document.slice(0, begin + REFERENCE_BEGIN.length)}\n\n${reference}\n${document.slice(end)}`;
}

/** config.schema.json as committed: two-space JSON with a final newline. */
export function jsonSchemaText(): string {
  return `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;
}
