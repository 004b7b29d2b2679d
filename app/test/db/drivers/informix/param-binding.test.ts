import { describe, expect, it } from "vitest";
import { informixDatetimeLiteral, toIbmDbParams } from "../../../../src/db/drivers/informix/param-binding.js";
import { DbError } from "../../../../src/db/errors.js";
import type { SqlValue } from "../../../../src/db/values.js";

describe("SqlValue -> ibm_db parameters", () => {
  it("binds every kind without a lossy JavaScript guess", () => {
    const values: SqlValue[] = [
      { kind: "null" },
      { kind: "bool", value: true },
      { kind: "int64", value: 9223372036854775807n },
      { kind: "double", value: 0.1 },
      { kind: "string", value: "" },
      { kind: "bytes", value: new Uint8Array([0, 1, 255]) },
      { kind: "decimal", value: "12345678901234567890.0123456789" },
      { kind: "date", value: "2024-02-29" },
      { kind: "timestamp", value: "2024-01-31T12:34:56.12345" },
      { kind: "interval", value: "5 10:30:00" },
    ];
    const params = toIbmDbParams(values);
    expect(params[0]).toBeNull();
    expect(params[1]).toBe("t");
    expect(params[2]).toEqual({ ParamType: "INPUT", CType: "CHAR", SQLType: -5, Data: "9223372036854775807" });
    expect(params[3]).toEqual({ ParamType: "INPUT", CType: "DOUBLE", SQLType: 8, Data: 0.1 });
    expect(params[4]).toBe("");
    const bytes = params[5] as { SQLType: string; CType: string; Data: Buffer };
    expect(bytes.SQLType).toBe("BLOB");
    expect(bytes.CType).toBe("BINARY");
    expect(Buffer.isBuffer(bytes.Data) && [...bytes.Data]).toEqual([0, 1, 255]);
    expect(params[6]).toBe("12345678901234567890.0123456789");
    expect(params[7]).toEqual({ ParamType: "INPUT", CType: "CHAR", SQLType: 91, Data: "2024-02-29" });
    expect(params[8]).toBe("2024-01-31 12:34:56.12345");
    expect(params[9]).toBe("5 10:30:00");
  });

  it("rejects a six-digit fraction instead of letting FRACTION(5) truncate it", () => {
    const error = (() => {
      try {
        toIbmDbParams([{ kind: "timestamp", value: "2024-01-31T12:34:56.123456" }]);
      } catch (e) {
        return e as DbError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DbError);
    expect(error?.kind).toBe("invalid_statement");
    expect(error?.message).toMatch(/parameter 1: .*at most 5 fraction digits/);
  });

  it("accepts extra fraction digits that are zeros, and time-of-day text", () => {
    expect(informixDatetimeLiteral("2024-01-31T12:34:56.123450", 1)).toBe("2024-01-31 12:34:56.12345");
    expect(informixDatetimeLiteral("12:34:56.5", 1)).toBe("12:34:56.5");
    expect(informixDatetimeLiteral("2024-01-31", 1)).toBe("2024-01-31");
  });

  it("rejects offsets, malformed dates, non-finite doubles and non-numeric decimals", () => {
    expect(() => informixDatetimeLiteral("2024-01-31T12:00:00Z", 2)).toThrow(/no time zone/);
    expect(() => toIbmDbParams([{ kind: "date", value: "31/01/2024" }])).toThrow(/YYYY-MM-DD/);
    expect(() => toIbmDbParams([{ kind: "double", value: Number.NaN }])).toThrow(/NaN/);
    expect(() => toIbmDbParams([{ kind: "decimal", value: "1,5" }])).toThrow(/plain decimal/);
  });
});
