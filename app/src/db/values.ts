// Driver-neutral SQL values and column metadata: the domain form of proto Value and Column.

/** One lossless SQL value. Text forms (decimal, date, timestamp, interval) are exact, never rounded. */
export type SqlValue =
  | { kind: "null" }
  | { kind: "bool"; value: boolean }
  | { kind: "int64"; value: bigint }
  | { kind: "double"; value: number }
  | { kind: "string"; value: string }
  | { kind: "bytes"; value: Uint8Array }
  | { kind: "decimal"; value: string }
  | { kind: "date"; value: string }
  | { kind: "timestamp"; value: string }
  | { kind: "interval"; value: string };

export type SqlValueKind = SqlValue["kind"];

/** Portable column types (proto ColumnType). "unknown" travels as strings. */
export type PortableType =
  | "unknown"
  | "bool"
  | "int64"
  | "double"
  | "string"
  | "bytes"
  | "decimal"
  | "date"
  | "timestamp"
  | "interval";

export interface ColumnInfo {
  name: string;
  type: PortableType;
  /** Database-native type name, e.g. "DATETIME YEAR TO FRACTION(3)", "numeric(32,10)". */
  nativeType: string;
  /** true when the database does not say. */
  nullable: boolean;
  precision: number;
  scale: number;
}

export type Row = SqlValue[];

export const NULL: SqlValue = Object.freeze({ kind: "null" }) as SqlValue;
