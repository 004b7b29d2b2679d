// Renders a result as a readable text table for the `sql` subcommand.
import type { Column, Value } from "../gen/informix/proxy/v1/values.js";

export function formatValue(value: Value): string {
  const kind = value.kind;
  if (!kind || kind.$case === "null") return "NULL";
  switch (kind.$case) {
    case "bytesValue":
      return `\\x${kind.value.toString("hex")}`;
    case "boolValue":
      return kind.value ? "true" : "false";
    case "int64Value":
    case "doubleValue":
      return String(kind.value);
    default:
      return kind.value;
  }
}

const MAX_CELL = 60;

function clip(text: string): string {
  const oneLine = text.replace(/\r?\n/g, "\\n");
  return oneLine.length > MAX_CELL ? `${oneLine.slice(0, MAX_CELL - 1)}…` : oneLine;
}

export function formatTable(columns: Column[], rows: Value[][]): string {
  const header = columns.map((c) => c.name);
  const cells = rows.map((row) => row.map((v) => clip(formatValue(v))));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)));
  const numeric = columns.map((c) => [2, 3, 6].includes(c.type));
  const line = (values: string[]) =>
    values.map((v, i) => (numeric[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join(" | ");
  const separator = widths.map((w) => "-".repeat(w)).join("-+-");
  return [line(header), separator, ...cells.map(line)].join("\n");
}
