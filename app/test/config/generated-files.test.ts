// Drift check: the committed config.schema.json and docs/configuration.md reference must be what the schema
// generates. Fix a failure with `npm run build && node app/scripts/gen-config-schema.mjs`.
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  buildJsonSchema,
  buildReferenceMarkdown,
  jsonSchemaText,
  REFERENCE_BEGIN,
  REFERENCE_END,
  spliceReference,
} from "../../src/config/json-schema.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

describe("generated configuration files", () => {
  it("config.schema.json matches the schema", async () => {
    const committed = await readFile(join(root, "config.schema.json"), "utf8");
    expect(committed).toBe(jsonSchemaText());
  });

  it("docs/configuration.md's reference matches the schema", async () => {
    const committed = await readFile(join(root, "docs", "configuration.md"), "utf8");
    expect(committed).toContain(REFERENCE_BEGIN);
    expect(committed).toContain(REFERENCE_END);
    expect(committed).toBe(spliceReference(committed, buildReferenceMarkdown()));
  });

  it("the JSON Schema describes input: keys with defaults are optional, unknown keys refused", () => {
    const schema = buildJsonSchema() as {
      required?: string[];
      additionalProperties?: boolean;
      properties: Record<string, { required?: string[] }>;
    };
    expect(schema.required).toEqual(["databases"]);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.server?.required ?? []).toEqual([]);
  });

  it("the reference lists every key with its default", () => {
    const reference = buildReferenceMarkdown();
    expect(reference).toContain("| `server.grpcPort` | integer 0–65535 | `50051` |");
    expect(reference).toContain("| `databases.<name>.host` | string | required |");
    expect(reference).toContain("| `databases.<name>.pool.max` | integer 1–1000 | `10` |");
    expect(reference.match(/`databases\.<name>\.pool\.max`/g)).toHaveLength(1);
  });

  it("splicing replaces only the text between the markers", () => {
    const document = `intro\n${REFERENCE_BEGIN}\nold\n${REFERENCE_END}\noutro\n`;
    expect(spliceReference(document, "new")).toBe(`intro\n${REFERENCE_BEGIN}\n\nnew\n${REFERENCE_END}\noutro\n`);
    expect(() => spliceReference("no markers", "x")).toThrow(/markers/);
  });
});
