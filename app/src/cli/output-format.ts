// Results as a person reads them (an aligned table) or as programs read them: CSV (RFC 4180) or JSON lines.
import type { Column, Value } from "../gen/informix/proxy/v1/values.js";
import { formatTable, formatValue } from "./table-format.js";

export type OutputFormat = "table" | "csv" | "json";
export const OUTPUT_FORMATS: readonly OutputFormat[] = ["table", "csv", "json"];

function csvCell(value: Value | undefined): string {
  if (!value?.kind || value.kind.$case === "null") return "";
  const text = formatValue(value);
  return /[",\r\n]/.test(text) || text === "" ? `"${text.replace(/"/g, '""')}"` : text;
}

function jsonValue(value: Value | undefined): unknown {
  if (!value?.kind || value.kind.$case === "null") return null;
  if (value.kind.$case === "boolValue" || value.kind.$case === "doubleValue") return value.kind.value;
  // INT64 and DECIMAL stay exact as strings; bytes as \x hex, like the table.
  return formatValue(value);
}

export function formatRows(format: OutputFormat, columns: Column[], rows: Value[][]): string[] {
  switch (format) {
    case "json":
      return rows.map((row) => JSON.stringify(Object.fromEntries(columns.map((c, i) => [c.name, jsonValue(row[i])]))));
    case "csv":
      return [
        columns.map((c) => csvCell({ kind: { $case: "stringValue", value: c.name } })).join(","),
        ...rows.map((row) => columns.map((_, i) => csvCell(row[i])).join(",")),
      ];
    case "table":
      return [formatTable(columns, rows)];
  }
}
