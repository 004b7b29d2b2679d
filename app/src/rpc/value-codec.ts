// Translates between proto Values/Columns and the driver-neutral SqlValue/ColumnInfo, validating client input.

import { invalidArgument } from "../core/api-error.js";
import type { ColumnInfo, PortableType, SqlValue } from "../db/values.js";
import { type Column, ColumnType, type Value } from "../gen/informix/proxy/v1/values.js";

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function paramsFromProto(values: Value[], field = "params"): SqlValue[] {
  return values.map((value, index) => sqlValueFromProto(value, `${field}[${index}]`));
}

export function sqlValueFromProto(value: Value, field: string): SqlValue {
  const kind = value.kind;
  if (!kind) throw invalidArgument(field, "value has no kind set (use null for SQL NULL)");
  switch (kind.$case) {
    case "null":
      return { kind: "null" };
    case "boolValue":
      return { kind: "bool", value: kind.value };
    case "int64Value":
      return { kind: "int64", value: kind.value };
    case "doubleValue":
      return { kind: "double", value: kind.value };
    case "stringValue":
      return { kind: "string", value: kind.value };
    case "bytesValue":
      return { kind: "bytes", value: new Uint8Array(kind.value.buffer, kind.value.byteOffset, kind.value.byteLength) };
    case "decimalValue":
      if (!DECIMAL.test(kind.value)) throw invalidArgument(field, `"${truncate(kind.value)}" is not a decimal number`);
      return { kind: "decimal", value: kind.value };
    case "dateValue":
      if (!DATE.test(kind.value) || Number.isNaN(Date.parse(`${kind.value}T00:00:00Z`)))
        throw invalidArgument(field, `"${truncate(kind.value)}" is not a date (YYYY-MM-DD)`);
      return { kind: "date", value: kind.value };
    case "timestampValue":
      if (!TIMESTAMP.test(kind.value))
        throw invalidArgument(
          field,
          `"${truncate(kind.value)}" is not an ISO-8601 timestamp (YYYY-MM-DDTHH:MM:SS.ffffff)`,
        );
      return { kind: "timestamp", value: kind.value };
    case "intervalValue":
      if (kind.value.trim() === "") throw invalidArgument(field, "interval is empty");
      return { kind: "interval", value: kind.value };
  }
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

export function sqlValueToProto(value: SqlValue): Value {
  switch (value.kind) {
    case "null":
      return { kind: { $case: "null", value: {} } };
    case "bool":
      return { kind: { $case: "boolValue", value: value.value } };
    case "int64":
      return { kind: { $case: "int64Value", value: value.value } };
    case "double":
      return { kind: { $case: "doubleValue", value: value.value } };
    case "string":
      return { kind: { $case: "stringValue", value: value.value } };
    case "bytes":
      return {
        kind: {
          $case: "bytesValue",
          value: Buffer.from(value.value.buffer, value.value.byteOffset, value.value.byteLength),
        },
      };
    case "decimal":
      return { kind: { $case: "decimalValue", value: value.value } };
    case "date":
      return { kind: { $case: "dateValue", value: value.value } };
    case "timestamp":
      return { kind: { $case: "timestampValue", value: value.value } };
    case "interval":
      return { kind: { $case: "intervalValue", value: value.value } };
  }
}

const COLUMN_TYPES: Record<PortableType, ColumnType> = {
  unknown: ColumnType.COLUMN_TYPE_UNSPECIFIED,
  bool: ColumnType.COLUMN_TYPE_BOOL,
  int64: ColumnType.COLUMN_TYPE_INT64,
  double: ColumnType.COLUMN_TYPE_DOUBLE,
  string: ColumnType.COLUMN_TYPE_STRING,
  bytes: ColumnType.COLUMN_TYPE_BYTES,
  decimal: ColumnType.COLUMN_TYPE_DECIMAL,
  date: ColumnType.COLUMN_TYPE_DATE,
  timestamp: ColumnType.COLUMN_TYPE_TIMESTAMP,
  interval: ColumnType.COLUMN_TYPE_INTERVAL,
};

export function columnToProto(column: ColumnInfo): Column {
  return {
    name: column.name,
    type: COLUMN_TYPES[column.type],
    nativeType: column.nativeType,
    nullable: column.nullable,
    precision: column.precision,
    scale: column.scale,
  };
}

export function rowToProto(row: SqlValue[]): { values: Value[] } {
  return { values: row.map(sqlValueToProto) };
}
