// SqlValue <-> node:sqlite values, and declared column types -> portable types.
// SQLite is dynamically typed: the declared type of a column is a hint, so each value is mapped by what
// it actually is, refined by the column's declared type (DECIMAL text stays decimal, DATE text is a date).
import type { SQLInputValue, SQLOutputValue } from "node:sqlite";
import { DbError } from "../../errors.js";
import type { ColumnInfo, PortableType, SqlValue } from "../../values.js";

export function toSqliteParam(value: SqlValue): SQLInputValue {
  switch (value.kind) {
    case "null":
      return null;
    case "bool":
      return value.value ? 1n : 0n;
    case "int64":
      return value.value;
    case "double":
      return value.value;
    case "bytes":
      return value.value;
    // Exact text forms stay text: SQLite has no native decimal, date or interval type.
    case "string":
    case "decimal":
    case "date":
    case "timestamp":
    case "interval":
      return value.value;
    default:
      throw new DbError("invalid_statement", `unsupported parameter kind ${(value as { kind: string }).kind}`);
  }
}

/** Portable type from a declared column type, following SQLite's own affinity rules where nothing more specific applies. */
export function portableTypeOf(declared: string | null | undefined): PortableType {
  if (!declared) return "unknown";
  const t = declared.toUpperCase();
  if (t.includes("DECIMAL") || t.includes("NUMERIC")) return "decimal";
  if (t.includes("BOOL")) return "bool";
  if (t.includes("TIMESTAMP") || t.includes("DATETIME")) return "timestamp";
  if (t.includes("DATE")) return "date";
  if (t.includes("INTERVAL")) return "interval";
  if (t.includes("INT")) return "int64";
  if (t.includes("CHAR") || t.includes("CLOB") || t.includes("TEXT")) return "string";
  if (t.includes("BLOB")) return "bytes";
  if (t.includes("REAL") || t.includes("FLOA") || t.includes("DOUB")) return "double";
  return "unknown";
}

/** "DECIMAL(32,10)" -> [32, 10]; "VARCHAR(20)" -> [20, 0]. */
export function precisionAndScale(declared: string | null | undefined): [number, number] {
  const match = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(declared ?? "");
  if (!match) return [0, 0];
  return [Number(match[1]), Number(match[2] ?? 0)];
}

export function columnInfo(name: string, declared: string | null | undefined, nullable = true): ColumnInfo {
  const [precision, scale] = precisionAndScale(declared);
  return { name, type: portableTypeOf(declared), nativeType: declared ?? "", nullable, precision, scale };
}

/** Portable type of a runtime value, for expression columns that have no declared type. */
export function portableTypeOfValue(value: SQLOutputValue): PortableType {
  if (typeof value === "bigint") return "int64";
  if (typeof value === "number") return "double";
  if (typeof value === "string") return "string";
  if (value instanceof Uint8Array) return "bytes";
  return "unknown";
}

function numberText(value: SQLOutputValue): string | undefined {
  if (typeof value === "bigint" || typeof value === "number") return String(value);
  if (typeof value === "string") return value;
  return undefined;
}

// SQLite's own convention is "YYYY-MM-DD HH:MM:SS[.fff]"; the API speaks ISO-8601 with a "T".
const SPACE_SEPARATED_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})/;

export function fromSqliteValue(value: SQLOutputValue, type: PortableType): SqlValue {
  if (value === null || value === undefined) return { kind: "null" };
  switch (type) {
    case "decimal": {
      const text = numberText(value);
      if (text !== undefined) return { kind: "decimal", value: text };
      break;
    }
    case "bool":
      if (typeof value === "bigint") return { kind: "bool", value: value !== 0n };
      if (typeof value === "number") return { kind: "bool", value: value !== 0 };
      break;
    case "date":
      if (typeof value === "string") return { kind: "date", value };
      break;
    case "timestamp":
      if (typeof value === "string")
        return { kind: "timestamp", value: value.replace(SPACE_SEPARATED_TIMESTAMP, "$1T$2") };
      break;
    case "interval":
      if (typeof value === "string") return { kind: "interval", value };
      break;
    default:
      break;
  }
  if (typeof value === "bigint") return { kind: "int64", value };
  if (typeof value === "number") return { kind: "double", value };
  if (typeof value === "string") return { kind: "string", value };
  // Values arrive from the worker thread in memory of their own: no copy needed.
  if (value instanceof Uint8Array) return { kind: "bytes", value };
  return { kind: "string", value: String(value) };
}
