import { describe, expect, it } from "vitest";
import type { IbmDbColumnMetadata } from "../../../../src/db/drivers/informix/ibm-db-api.js";
import {
  columnInfoOf,
  needsTextFetch,
  normalizeDecimalText,
  SqlType,
  toDecimalText,
  toSqlValue,
  toTimestampText,
} from "../../../../src/db/drivers/informix/value-mapping.js";
import { DbError } from "../../../../src/db/errors.js";
import type { ColumnInfo } from "../../../../src/db/values.js";

function meta(type: number, typeName: string, precision = 0, scale = 0, length = 0): IbmDbColumnMetadata {
  return {
    index: 1,
    SQL_DESC_NAME: "c",
    SQL_DESC_TYPE_NAME: typeName,
    SQL_DESC_CONSIZE_TYPE: type,
    SQL_DESC_DISPLAY_SIZE: 0,
    SQL_DESC_PRECISION: precision,
    SQL_DESC_SCALE: scale,
    SQL_DESC_LENGTH: length,
  };
}
const col = (m: IbmDbColumnMetadata): ColumnInfo => columnInfoOf(m);

describe("CLI descriptors -> ColumnInfo", () => {
  it("maps the concise SQL types Informix reports over DRDA", () => {
    expect(col(meta(SqlType.DECIMAL, "DECIMAL", 32, 10))).toEqual({
      name: "c",
      type: "decimal",
      nativeType: "DECIMAL(32,10)",
      nullable: true,
      precision: 32,
      scale: 10,
    });
    expect(col(meta(SqlType.BIGINT, "BIGINT", 19)).type).toBe("int64");
    expect(col(meta(SqlType.INTEGER, "INTEGER", 10)).type).toBe("int64");
    expect(col(meta(SqlType.DOUBLE, "DOUBLE", 15)).type).toBe("double");
    expect(col(meta(SqlType.TYPE_DATE, "DATE")).type).toBe("date");
    expect(col(meta(SqlType.TYPE_TIMESTAMP, "TIMESTAMP", 23, 3)).type).toBe("timestamp");
    expect(col(meta(SqlType.TYPE_TIME, "TIME")).type).toBe("timestamp");
    expect(col(meta(SqlType.BLOB, "BLOB")).type).toBe("bytes");
    expect(col(meta(SqlType.CLOB, "CLOB")).type).toBe("string");
    expect(col(meta(SqlType.CHAR, "CHAR", 10, 0, 10)).nativeType).toBe("CHAR(10)");
    expect(col(meta(SqlType.BOOLEAN, "BOOLEAN")).type).toBe("bool");
    expect(col(meta(SqlType.CHAR, "INTERVAL DAY TO SECOND")).type).toBe("interval");
    expect(col(meta(1234, "ODDITY")).type).toBe("unknown");
  });

  it("asks for text fetch only where a double is not exact", () => {
    expect(needsTextFetch(meta(SqlType.DECIMAL, "DECIMAL", 15, 2))).toBe(false);
    expect(needsTextFetch(meta(SqlType.DECIMAL, "DECIMAL", 16, 2))).toBe(true);
    expect(needsTextFetch(meta(SqlType.NUMERIC, "NUMERIC", 0, 0))).toBe(true);
    expect(needsTextFetch(meta(SqlType.DECFLOAT, "DECFLOAT", 16))).toBe(true);
    expect(needsTextFetch(meta(SqlType.BIGINT, "BIGINT", 19))).toBe(false);
  });
});

describe("ibm_db cells -> SqlValue", () => {
  it("keeps BIGINT exact: ibm_db 4 returns it as text", () => {
    const c = col(meta(SqlType.BIGINT, "BIGINT", 19));
    expect(toSqlValue("9223372036854775807", c)).toEqual({ kind: "int64", value: 9223372036854775807n });
    expect(toSqlValue("-9007199254740993", c)).toEqual({ kind: "int64", value: -9007199254740993n });
    expect(toSqlValue(42, c)).toEqual({ kind: "int64", value: 42n });
    expect(() => toSqlValue(2 ** 60, c)).toThrow(/inexact/);
  });

  it("prints small DECIMALs from the double with their scale, and refuses wide ones that came as numbers", () => {
    const money = col(meta(SqlType.DECIMAL, "DECIMAL", 8, 2));
    expect(toSqlValue(12.5, money)).toEqual({ kind: "decimal", value: "12.50" });
    expect(toSqlValue(-0.1, money)).toEqual({ kind: "decimal", value: "-0.10" });
    expect(toSqlValue(999999.99, money)).toEqual({ kind: "decimal", value: "999999.99" });
    const p15 = col(meta(SqlType.DECIMAL, "DECIMAL", 15, 5));
    expect(toSqlValue(1234567890.12345, p15)).toEqual({ kind: "decimal", value: "1234567890.12345" });
    const wide = col(meta(SqlType.DECIMAL, "DECIMAL", 32, 10));
    expect(() => toSqlValue(0.1, wide)).toThrow(DbError);
    expect(toSqlValue("1234567890123456789012.1234567890", wide)).toEqual({
      kind: "decimal",
      value: "1234567890123456789012.1234567890",
    });
  });

  it("prints a floating DECIMAL(p) decoded from the catalog in its shortest exact form", () => {
    expect(toDecimalText(0.1, { name: "f", nativeType: "DECIMAL(10)", precision: 10, scale: 0 })).toBe("0.1");
    expect(toDecimalText(1e-7, { name: "f", nativeType: "DECIMAL(10)", precision: 10, scale: 0 })).toBe("0.0000001");
  });

  it("maps the remaining kinds", () => {
    expect(toSqlValue(null, col(meta(SqlType.INTEGER, "INTEGER")))).toEqual({ kind: "null" });
    expect(toSqlValue(7, col(meta(SqlType.SMALLINT, "SMALLINT")))).toEqual({ kind: "int64", value: 7n });
    expect(toSqlValue(1.5, col(meta(SqlType.DOUBLE, "DOUBLE")))).toEqual({ kind: "double", value: 1.5 });
    expect(toSqlValue("2024-02-29", col(meta(SqlType.TYPE_DATE, "DATE")))).toEqual({
      kind: "date",
      value: "2024-02-29",
    });
    expect(toSqlValue("t", col(meta(SqlType.BOOLEAN, "BOOLEAN")))).toEqual({ kind: "bool", value: true });
    expect(toSqlValue("0", col(meta(SqlType.BOOLEAN, "BOOLEAN")))).toEqual({ kind: "bool", value: false });
    expect(toSqlValue(true, col(meta(SqlType.BIT, "BIT")))).toEqual({ kind: "bool", value: true });
    expect(toSqlValue("ab  ", col(meta(SqlType.CHAR, "CHAR", 4)))).toEqual({ kind: "string", value: "ab  " });
    expect(toSqlValue("", col(meta(SqlType.VARCHAR, "VARCHAR", 4)))).toEqual({ kind: "string", value: "" });
    const bytes = toSqlValue(Buffer.from([0, 255, 1]), col(meta(SqlType.BLOB, "BLOB")));
    expect(bytes.kind).toBe("bytes");
    expect(Array.from((bytes as { value: Uint8Array }).value)).toEqual([0, 255, 1]);
    expect(toSqlValue(" 5 10:30:00 ", col(meta(SqlType.CHAR, "INTERVAL DAY TO SECOND")))).toEqual({
      kind: "interval",
      value: "5 10:30:00",
    });
  });
});

describe("decimal text normalization", () => {
  it.each([
    ["1.5000000000", "1.5000000000"],
    ["  -12.50 ", "-12.50"],
    ["+007.25", "7.25"],
    [".5", "0.5"],
    ["-0.00", "0.00"],
    ["$1234.56", "1234.56"],
    ["1,5", "1.5"],
    ["1.23456789012345678E+20", "123456789012345678000"],
    ["1.5e-3", "0.0015"],
    ["123", "123"],
  ])("%s -> %s", (input, expected) => {
    expect(normalizeDecimalText(input)).toBe(expected);
  });

  it("rejects text that is not a number", () => {
    expect(() => normalizeDecimalText("abc")).toThrow(DbError);
  });
});

describe("timestamp text", () => {
  it("keeps the column's FRACTION(n) and never drops a non-zero digit", () => {
    expect(toTimestampText("2024-01-31 12:34:56.123000", 3)).toBe("2024-01-31T12:34:56.123");
    expect(toTimestampText("2024-01-31 12:34:56.123450", 5)).toBe("2024-01-31T12:34:56.12345");
    expect(toTimestampText("2024-01-31 12:34:56.100000", 0)).toBe("2024-01-31T12:34:56.1");
    expect(toTimestampText("2024-01-31 12:34:56.000000", 0)).toBe("2024-01-31T12:34:56");
    expect(toTimestampText("2024-01-31 12:34:56", 2)).toBe("2024-01-31T12:34:56.00");
  });

  it("keeps partial qualifiers partial", () => {
    expect(toTimestampText("12:34:56", 0)).toBe("12:34:56");
    expect(toTimestampText("2024-01-31", 0)).toBe("2024-01-31");
    expect(toTimestampText("2024-01", 0)).toBe("2024-01");
  });

  it("reads the Date objects of the ODBC 2 code path as UTC fields", () => {
    expect(toTimestampText(new Date(Date.UTC(2024, 0, 31, 12, 34, 56, 789)), 3)).toBe("2024-01-31T12:34:56.789");
  });
});
