// JavaScript values <-> the proxy's lossless typed Value. Parameters: null/undefined, boolean, number (integer
// -> INT64, else DOUBLE), bigint, string, Buffer/Uint8Array, Date (TIMESTAMP in UTC wall-clock time, with its
// milliseconds), and the explicit wrappers below for DECIMAL, DATE, TIMESTAMP and INTERVAL text. Results: INT64
// as bigint, DECIMAL as an exact string, bytes as Buffer, DATE/TIMESTAMP as text (every fraction digit kept)
// unless `dates: "date"` asks for Date objects.
import { type Column, ColumnType, type Value } from "./gen/informix/proxy/v1/values.js";

/** A value the proxy sends back. */
export type SqlResultValue = null | boolean | bigint | number | string | Buffer | Date;

/** An explicitly typed parameter: use when the JavaScript type alone does not say the SQL type. */
export class TypedParam {
  constructor(
    readonly kind: "decimal" | "date" | "timestamp" | "interval",
    readonly text: string,
  ) {}
}

export type SqlParam = null | undefined | boolean | number | bigint | string | Uint8Array | Date | TypedParam;

/** An exact DECIMAL/NUMERIC/MONEY parameter, e.g. decimal("12345678901234567890.0123456789"). */
export const decimal = (text: string | bigint): TypedParam => new TypedParam("decimal", String(text));
/** A DATE parameter (YYYY-MM-DD), or the UTC calendar day of a Date. */
export const date = (value: string | Date): TypedParam =>
  new TypedParam("date", typeof value === "string" ? value : value.toISOString().slice(0, 10));
/** A TIMESTAMP parameter as ISO-8601 text; use it for fractions finer than a millisecond. */
export const timestamp = (value: string | Date): TypedParam =>
  new TypedParam("timestamp", typeof value === "string" ? value : utcWallClock(value));
/** An INTERVAL parameter in the database's native text form. */
export const interval = (text: string): TypedParam => new TypedParam("interval", text);

function utcWallClock(value: Date): string {
  if (Number.isNaN(value.getTime())) throw new TypeError("invalid Date");
  return value.toISOString().slice(0, -1); // "2026-11-26T14:05:00.123" (no "Z": a local date-time, in UTC)
}

export function toValue(param: SqlParam, index = 0): Value {
  if (param === null || param === undefined) return { kind: { $case: "null", value: {} } };
  if (param instanceof TypedParam) {
    const $case = `${param.kind}Value` as "decimalValue" | "dateValue" | "timestampValue" | "intervalValue";
    return { kind: { $case, value: param.text } };
  }
  switch (typeof param) {
    case "boolean":
      return { kind: { $case: "boolValue", value: param } };
    case "bigint":
      return { kind: { $case: "int64Value", value: param } };
    case "number":
      if (Number.isSafeInteger(param)) return { kind: { $case: "int64Value", value: BigInt(param) } };
      return { kind: { $case: "doubleValue", value: param } };
    case "string":
      return { kind: { $case: "stringValue", value: param } };
  }
  if (param instanceof Date) return { kind: { $case: "timestampValue", value: utcWallClock(param) } };
  if (param instanceof Uint8Array) {
    return { kind: { $case: "bytesValue", value: Buffer.from(param.buffer, param.byteOffset, param.byteLength) } };
  }
  throw new TypeError(`parameter ${index}: unsupported type ${Object.prototype.toString.call(param)}`);
}

export interface DecodeOptions {
  /** "string" (default): DATE and TIMESTAMP as text, lossless. "date": as Date (UTC; sub-millisecond digits dropped). */
  dates?: "string" | "date";
}

export function fromValue(value: Value | undefined, options: DecodeOptions = {}): SqlResultValue {
  const kind = value?.kind;
  if (!kind || kind.$case === "null") return null;
  switch (kind.$case) {
    case "dateValue":
      return options.dates === "date" ? new Date(`${kind.value}T00:00:00Z`) : kind.value;
    case "timestampValue":
      if (options.dates !== "date") return kind.value;
      return new Date(/([zZ]|[+-]\d{2}:?\d{2})$/.test(kind.value) ? kind.value : `${kind.value}Z`);
    default:
      return kind.value;
  }
}

/** Column metadata with the portable type as a name. */
export interface ColumnInfo {
  name: string;
  type: "unknown" | "bool" | "int64" | "double" | "string" | "bytes" | "decimal" | "date" | "timestamp" | "interval";
  nativeType: string;
  nullable: boolean;
  precision: number;
  scale: number;
}

const TYPE_NAMES: Record<number, ColumnInfo["type"]> = {
  [ColumnType.COLUMN_TYPE_BOOL]: "bool",
  [ColumnType.COLUMN_TYPE_INT64]: "int64",
  [ColumnType.COLUMN_TYPE_DOUBLE]: "double",
  [ColumnType.COLUMN_TYPE_STRING]: "string",
  [ColumnType.COLUMN_TYPE_BYTES]: "bytes",
  [ColumnType.COLUMN_TYPE_DECIMAL]: "decimal",
  [ColumnType.COLUMN_TYPE_DATE]: "date",
  [ColumnType.COLUMN_TYPE_TIMESTAMP]: "timestamp",
  [ColumnType.COLUMN_TYPE_INTERVAL]: "interval",
};

export function columnInfo(column: Column): ColumnInfo {
  return {
    name: column.name,
    type: TYPE_NAMES[column.type] ?? "unknown",
    nativeType: column.nativeType,
    nullable: column.nullable,
    precision: column.precision,
    scale: column.scale,
  };
}

export type Row = Record<string, SqlResultValue>;

/** Rows as objects keyed by column name (a later duplicate name wins; use rowArrays for positional access). */
export function rowObject(columns: ColumnInfo[], values: Value[], options: DecodeOptions): Row {
  const row: Row = {};
  columns.forEach((column, i) => {
    row[column.name] = fromValue(values[i], options);
  });
  return row;
}
