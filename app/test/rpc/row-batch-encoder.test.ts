// The hand-rolled batch encoder must produce exactly what the generated encoder produces.
import { describe, expect, it } from "vitest";
import type { SqlValue } from "../../src/db/values.js";
import { ExecuteStreamResponse } from "../../src/gen/informix/proxy/v1/sql_service.js";
import { encodeRowBatchResponse } from "../../src/rpc/row-batch-encoder.js";
import { rowToProto } from "../../src/rpc/value-codec.js";

const ROWS: SqlValue[][] = [
  [
    { kind: "null" },
    { kind: "bool", value: true },
    { kind: "bool", value: false },
    { kind: "int64", value: -9223372036854775808n },
    { kind: "int64", value: 0n },
    { kind: "double", value: -0.1 },
    { kind: "string", value: "Grüße 🚀" },
    { kind: "string", value: "" },
  ],
  [
    { kind: "bytes", value: new Uint8Array([0, 255, 0]) },
    { kind: "decimal", value: "1234567890123456789012.0123456789" },
    { kind: "date", value: "2026-11-26" },
    { kind: "timestamp", value: "2026-11-26T14:05:09.123456" },
    { kind: "interval", value: "5 12:30:00" },
  ],
  [],
];

describe("row batch encoder", () => {
  it("is byte-identical to ExecuteStreamResponse.encode and decodes back", () => {
    const expected = ExecuteStreamResponse.encode({
      payload: { $case: "batch", value: { rows: ROWS.map(rowToProto) } },
    }).finish();
    const actual = encodeRowBatchResponse(ROWS);
    expect(Buffer.from(actual).equals(Buffer.from(expected))).toBe(true);
    const decoded = ExecuteStreamResponse.decode(actual);
    expect(decoded.payload?.$case).toBe("batch");
    if (decoded.payload?.$case === "batch") expect(decoded.payload.value.rows).toHaveLength(3);
  });

  it("encodes an empty batch", () => {
    const expected = ExecuteStreamResponse.encode({ payload: { $case: "batch", value: { rows: [] } } }).finish();
    expect(Buffer.from(encodeRowBatchResponse([])).equals(Buffer.from(expected))).toBe(true);
  });
});
