import { describe, expect, it } from "vitest";
import { decodeColtype, decodeTemporal } from "../../../../src/db/drivers/informix/coltype.js";

// (coltype, collength) pairs as they appear in syscolumns of the stores demo database and the catalog.
describe("decodeColtype", () => {
  it.each([
    [262, 4, "SERIAL", "int64", false, 10, 0], // customer.customer_num SERIAL NOT NULL (6 + 256)
    [0, 15, "CHAR(15)", "string", true, 15, 0], // customer.fname
    [7, 4, "DATE", "date", true, 10, 0], // orders.order_date
    [8, 1538, "MONEY(6,2)", "decimal", true, 6, 2], // stock.unit_price = 6*256 + 2
    [8, 2050, "MONEY(8,2)", "decimal", true, 8, 2], // items.total_price
    [5, 8202, "DECIMAL(32,10)", "decimal", true, 32, 10], // 32*256 + 10
    [5, 4351, "DECIMAL(16)", "decimal", true, 16, 0], // floating DECIMAL(16): scale byte 255
    [11, 56, "BYTE", "bytes", true, 0, 0], // catalog.cat_picture
    [12, 56, "TEXT", "string", true, 0, 0], // catalog.cat_descr
    [13, 128, "VARCHAR(128)", "string", true, 128, 0], // systables.tabname
    [269, 2815, "VARCHAR(255,10)", "string", false, 255, 0], // 10*256 + 255, NOT NULL
    [10, 3080, "DATETIME YEAR TO MINUTE", "timestamp", true, 12, 0], // cust_calls.call_dtime
    [10, 4365, "DATETIME YEAR TO FRACTION(3)", "timestamp", true, 17, 3],
    [10, 4879, "DATETIME YEAR TO FRACTION(5)", "timestamp", true, 19, 5],
    [10, 1642, "DATETIME HOUR TO SECOND", "timestamp", true, 6, 0],
    [14, 2890, "INTERVAL DAY(5) TO SECOND", "interval", true, 11, 0],
    [14, 1128, "INTERVAL HOUR TO MINUTE", "interval", true, 4, 0], // 4*256 + 6*16 + 8
    [14, 1538, "INTERVAL YEAR TO MONTH", "interval", true, 6, 0], // 6*256 + 0 + 2
    [17, 10, "INT8", "int64", true, 19, 0],
    [274, 10, "SERIAL8", "int64", false, 19, 0],
    [52, 8, "BIGINT", "int64", true, 19, 0],
    [309, 8, "BIGSERIAL", "int64", false, 19, 0], // 53 + 256
    [1, 2, "SMALLINT", "int64", true, 5, 0],
    [258, 4, "INTEGER", "int64", false, 10, 0],
    [3, 8, "FLOAT", "double", true, 17, 0],
    [4, 4, "SMALLFLOAT", "double", true, 9, 0],
    [15, 20, "NCHAR(20)", "string", true, 20, 0],
    [16, 40, "NVARCHAR(40)", "string", true, 40, 0],
    [45, 1, "BOOLEAN", "bool", true, 0, 0],
  ])("coltype %i collength %i -> %s", (coltype, collength, nativeType, portable, nullable, precision, scale) => {
    expect(decodeColtype(coltype, collength)).toEqual({ nativeType, portable, nullable, precision, scale });
  });

  it("names built-in opaque types from the extended id or sysxtdtypes.name", () => {
    expect(decodeColtype(41, 1, { id: 5 }).nativeType).toBe("BOOLEAN");
    expect(decodeColtype(41, 1, { id: 5 }).portable).toBe("bool");
    expect(decodeColtype(41, 72, { name: "blob" })).toMatchObject({ nativeType: "BLOB", portable: "bytes" });
    expect(decodeColtype(297, 72, { id: 11 })).toMatchObject({
      nativeType: "CLOB",
      portable: "string",
      nullable: false,
    });
    expect(decodeColtype(40, 2048, { id: 1 })).toMatchObject({ nativeType: "LVARCHAR(2048)", portable: "string" });
    expect(decodeColtype(41, 8, { name: "mytype" })).toMatchObject({ nativeType: "MYTYPE", portable: "unknown" });
  });

  it("reads a negative SMALLINT collength as unsigned", () => {
    // VARCHAR(255,200) = 200*256 + 255 = 51455, stored as -14081 in a SMALLINT collength.
    expect(decodeColtype(13, 51455 - 65536).nativeType).toBe("VARCHAR(255,200)");
  });

  it("keeps unknown codes visible", () => {
    expect(decodeColtype(99, 0)).toMatchObject({ nativeType: "UNKNOWN(99)", portable: "unknown" });
  });

  it("decodes DATETIME YEAR TO DAY and a single-field qualifier", () => {
    expect(decodeTemporal("DATETIME", 2052).nativeType).toBe("DATETIME YEAR TO DAY");
    expect(decodeTemporal("DATETIME", 4 * 256 + 0 * 16 + 0).nativeType).toBe("DATETIME YEAR");
  });
});
