// Values between the legacy API and v1. Legacy parameters are six scalars plus is_null and a type hint; legacy
// results follow what the Java proxy's JDBC code produced: INTEGER/SMALLINT as int32, BIGINT as int64, DECIMAL,
// NUMERIC and floating point as double, dates and times as text ("YYYY-MM-DD HH:MM:SS.fff", JDBC's form),
// characters as text, binary as bytes. The exact forms stay available through v1.
import { invalidArgument } from "../../core/api-error.js";
import type { ColumnMetadata, Value as LegacyValue, Parameter } from "../../gen/informix/informix.js";
import { type Column, ColumnType, type Value } from "../../gen/informix/proxy/v1/values.js";

const NULL: Value = { kind: { $case: "null", value: {} } };

export function paramToValue(param: Parameter, index: number): Value {
  if (param.isNull || !param.value) return NULL;
  const hint = param.typeHint.trim().toUpperCase();
  const { value } = param;
  switch (value.$case) {
    case "stringValue":
      return stringWithHint(value.value, hint);
    case "intValue":
      return { kind: { $case: "int64Value", value: BigInt(value.value) } };
    case "longValue":
      return { kind: { $case: "int64Value", value: value.value } };
    case "doubleValue":
      if (hint === "DECIMAL" || hint === "NUMERIC") {
        if (!Number.isFinite(value.value)) throw invalidArgument(`parameters[${index}]`, "not a finite decimal");
        return { kind: { $case: "decimalValue", value: String(value.value) } };
      }
      return { kind: { $case: "doubleValue", value: value.value } };
    case "boolValue":
      return { kind: { $case: "boolValue", value: value.value } };
    case "bytesValue":
      return { kind: { $case: "bytesValue", value: value.value } };
  }
}

function stringWithHint(text: string, hint: string): Value {
  switch (hint) {
    case "DATE":
      return { kind: { $case: "dateValue", value: text } };
    case "TIMESTAMP":
    case "DATETIME":
      return { kind: { $case: "timestampValue", value: text.replace(" ", "T") } };
    case "DECIMAL":
    case "NUMERIC":
    case "MONEY":
      return { kind: { $case: "decimalValue", value: text } };
    case "INTERVAL":
      return { kind: { $case: "intervalValue", value: text } };
    default:
      return { kind: { $case: "stringValue", value: text } };
  }
}

const BIGINT_NATIVE = /big|int8|serial8|long/i;
const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;

export function valueToLegacy(value: Value | undefined, column: Column | undefined): LegacyValue {
  const kind = value?.kind;
  if (!kind || kind.$case === "null") return { isNull: true };
  switch (kind.$case) {
    case "boolValue":
      return { data: { $case: "boolData", value: kind.value }, isNull: false };
    case "int64Value": {
      const wide = BIGINT_NATIVE.test(column?.nativeType ?? "") || kind.value < INT32_MIN || kind.value > INT32_MAX;
      return wide
        ? { data: { $case: "longData", value: kind.value }, isNull: false }
        : { data: { $case: "intData", value: Number(kind.value) }, isNull: false };
    }
    case "doubleValue":
      return { data: { $case: "doubleData", value: kind.value }, isNull: false };
    case "decimalValue":
      return { data: { $case: "doubleData", value: Number(kind.value) }, isNull: false };
    case "bytesValue":
      return { data: { $case: "bytesData", value: kind.value }, isNull: false };
    case "timestampValue":
      return { data: { $case: "stringData", value: kind.value.replace("T", " ") }, isNull: false };
    default:
      return { data: { $case: "stringData", value: kind.value }, isNull: false };
  }
}

export function rowToLegacy(values: Value[], columns: Column[]): { values: LegacyValue[] } {
  return { values: values.map((v, i) => valueToLegacy(v, columns[i])) };
}

const JDBC_NAMES: Record<number, string> = {
  [ColumnType.COLUMN_TYPE_BOOL]: "BOOLEAN",
  [ColumnType.COLUMN_TYPE_INT64]: "INTEGER",
  [ColumnType.COLUMN_TYPE_DOUBLE]: "DOUBLE",
  [ColumnType.COLUMN_TYPE_STRING]: "VARCHAR",
  [ColumnType.COLUMN_TYPE_BYTES]: "BLOB",
  [ColumnType.COLUMN_TYPE_DECIMAL]: "DECIMAL",
  [ColumnType.COLUMN_TYPE_DATE]: "DATE",
  [ColumnType.COLUMN_TYPE_TIMESTAMP]: "TIMESTAMP",
  [ColumnType.COLUMN_TYPE_INTERVAL]: "INTERVAL",
};

/** JDBC's getColumnTypeName is the database's own type name; the portable name stands in when there is none. */
export function columnToLegacy(column: Column): ColumnMetadata {
  return {
    name: column.name,
    type: column.nativeType || (JDBC_NAMES[column.type] ?? "OTHER"),
    precision: column.precision,
    scale: column.scale,
    nullable: column.nullable,
  };
}
