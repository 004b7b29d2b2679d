import { describe, expect, it } from "vitest";
import {
  describeTableQueries,
  listTablesQuery,
  toTableDescription,
} from "../../../../src/db/drivers/informix/metadata.js";
import type { Row, SqlValue } from "../../../../src/db/values.js";

const s = (value: string): SqlValue => ({ kind: "string", value });
const i = (value: number): SqlValue => ({ kind: "int64", value: BigInt(value) });
const NULLV: SqlValue = { kind: "null" };

describe("Informix catalog queries", () => {
  it("filters systables by owner and LIKE pattern, skipping the catalog (tabid < 100)", () => {
    const q = listTablesQuery({ schema: "informix", namePattern: "cust%", includeViews: false });
    expect(q.sql).toContain("tabid >= 100");
    expect(q.sql).toContain("tabtype = 'T'");
    expect(q.sql).toContain("owner = ?");
    expect(q.sql).toContain("tabname LIKE ?");
    expect(q.params).toEqual([s("informix"), s("cust%")]);
    expect(listTablesQuery({ includeViews: true }).sql).toContain("tabtype IN ('T', 'V')");
  });

  it("builds a description from syscolumns and sysindexes rows as Informix returns them", () => {
    const q = describeTableQueries(undefined, "orders");
    expect(q.table.params).toEqual([s("orders")]);
    const table: Row = [i(102), s("informix"), s("orders"), s("T")];
    const columns: Row[] = [
      [s("order_num"), i(1), i(262), i(4), i(0), NULLV],
      [s("order_date"), i(2), i(7), i(4), i(0), NULLV],
      [s("customer_num"), i(3), i(258), i(4), i(0), NULLV],
      [s("ship_charge"), i(4), i(8), i(1538), i(0), NULLV],
      [s("paid"), i(5), i(41), i(1), i(5), s("boolean")],
    ];
    const parts = (...cols: number[]): SqlValue[] => Array.from({ length: 16 }, (_, k) => i(cols[k] ?? 0));
    const indexes: Row[] = [
      [s("101_1"), s("U"), i(1), ...parts(1)],
      [s("ix_orders_cust"), s("D"), i(0), ...parts(3, -2)],
    ];
    const description = toTableDescription(table, columns, indexes);
    expect(description.table).toEqual({ schema: "informix", name: "orders", kind: "table" });
    expect(description.columns.map((c) => [c.name, c.nativeType, c.type, c.nullable])).toEqual([
      ["order_num", "SERIAL", "int64", false],
      ["order_date", "DATE", "date", true],
      ["customer_num", "INTEGER", "int64", false],
      ["ship_charge", "MONEY(6,2)", "decimal", true],
      ["paid", "BOOLEAN", "bool", true],
    ]);
    expect(description.primaryKey).toEqual(["order_num"]);
    expect(description.indexes).toEqual([
      { name: "101_1", columns: ["order_num"], unique: true },
      { name: "ix_orders_cust", columns: ["customer_num", "order_date"], unique: false },
    ]);
  });
});
