import { describe, expect, it } from "vitest";
import {
  isRewritableQuery,
  RewriteCache,
  textFetchColumns,
  wrapForTextFetch,
} from "../../../../src/db/drivers/informix/exact-decimal.js";
import type { IbmDbColumnMetadata } from "../../../../src/db/drivers/informix/ibm-db-api.js";

const m = (type: number, precision: number): IbmDbColumnMetadata => ({
  index: 1,
  SQL_DESC_NAME: "x",
  SQL_DESC_TYPE_NAME: "T",
  SQL_DESC_CONSIZE_TYPE: type,
  SQL_DESC_DISPLAY_SIZE: 0,
  SQL_DESC_PRECISION: precision,
  SQL_DESC_SCALE: 0,
  SQL_DESC_LENGTH: 0,
});

describe("exact DECIMAL fetch by rewrite", () => {
  it("selects only the DECIMAL columns a double cannot carry", () => {
    expect(textFetchColumns([m(4, 10), m(3, 32), m(3, 8), m(2, 20), m(-5, 19)])).toEqual([1, 3]);
  });

  it("wraps the query and keeps its text (and so its ? order) unchanged", () => {
    expect(wrapForTextFetch("select id, amount from t where id > ?;", 2, [1])).toBe(
      "SELECT q.c1, q.c2::LVARCHAR FROM (select id, amount from t where id > ?) AS q(c1, c2)",
    );
  });

  it("rewrites only plain queries", () => {
    expect(isRewritableQuery("SELECT 1 FROM t")).toBe(true);
    expect(isRewritableQuery("  -- note\n/* c */ (select a from t) union (select a from u)")).toBe(true);
    expect(isRewritableQuery("{ informix comment } SELECT FIRST 5 a FROM t ORDER BY a")).toBe(true);
    expect(isRewritableQuery("WITH x AS (SELECT 1 a FROM t) SELECT a FROM x")).toBe(false);
    expect(isRewritableQuery("EXECUTE FUNCTION f(1)")).toBe(false);
    expect(isRewritableQuery("select * from t into temp tt with no log")).toBe(false);
    expect(isRewritableQuery("UPDATE t SET a = 1")).toBe(false);
    expect(isRewritableQuery("SELECT amount FROM t WHERE id = ? FOR UPDATE")).toBe(false);
  });

  it("remembers shapes per SQL text within a bound", () => {
    const cache = new RewriteCache<number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1); // a is now the most recent
    cache.set("c", 3);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(1);
    expect(cache.get("c")).toBe(3);
  });
});
