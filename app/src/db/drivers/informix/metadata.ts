// Catalog queries for ListTables / DescribeTable, on Informix's system catalog: systables (tabtype T
// table, V view; tabid < 100 are the catalog itself), syscolumns (+ sysxtdtypes for opaque type names),
// sysconstraints (constrtype P) and sysindexes (part1..part16 hold column numbers, negative = descending).
// In Informix the schema of a table is its owner.
import type { TableDescription, TableFilter } from "../../driver.js";
import type { Row, SqlValue } from "../../values.js";
import { decodeColtype } from "./coltype.js";

const PARTS = Array.from({ length: 16 }, (_, i) => `i.part${i + 1}`).join(", ");
const text = (value: string): SqlValue => ({ kind: "string", value });

export function listTablesQuery(filter: TableFilter): { sql: string; params: SqlValue[] } {
  const where = ["tabid >= 100", filter.includeViews ? "tabtype IN ('T', 'V')" : "tabtype = 'T'"];
  const params: SqlValue[] = [];
  if (filter.schema !== undefined && filter.schema !== "") {
    where.push("owner = ?");
    params.push(text(filter.schema));
  }
  if (filter.namePattern !== undefined && filter.namePattern !== "") {
    where.push("tabname LIKE ?");
    params.push(text(filter.namePattern));
  }
  return {
    sql: `SELECT TRIM(owner), TRIM(tabname), tabtype FROM systables WHERE ${where.join(" AND ")} ORDER BY 1, 2`,
    params,
  };
}

export function describeTableQueries(schema: string | undefined, table: string) {
  const params: SqlValue[] = [text(table)];
  let where = "tabname = ? AND tabtype IN ('T', 'V')";
  if (schema !== undefined && schema !== "") {
    where += " AND owner = ?";
    params.push(text(schema));
  }
  return {
    table: {
      sql: `SELECT tabid, TRIM(owner), TRIM(tabname), tabtype FROM systables WHERE ${where} ORDER BY 2`,
      params,
    },
    columns:
      "SELECT TRIM(c.colname), c.colno, c.coltype, c.collength, c.extended_id, TRIM(x.name) " +
      "FROM syscolumns c LEFT OUTER JOIN sysxtdtypes x ON x.extended_id = c.extended_id AND c.extended_id > 0 " +
      "WHERE c.tabid = ? ORDER BY c.colno",
    // One row per index; is_primary says whether a PRIMARY KEY constraint owns it.
    indexes:
      `SELECT TRIM(i.idxname), i.idxtype, CASE WHEN p.constrid IS NULL THEN 0 ELSE 1 END, ${PARTS} ` +
      "FROM sysindexes i LEFT OUTER JOIN sysconstraints p ON p.tabid = i.tabid AND p.idxname = i.idxname AND p.constrtype = 'P' " +
      "WHERE i.tabid = ? ORDER BY 1",
  };
}

function num(value: SqlValue | undefined): number {
  if (!value) return 0;
  if (value.kind === "int64") return Number(value.value);
  if (value.kind === "double") return value.value;
  if (value.kind === "string" || value.kind === "decimal") return Number(value.value);
  return 0;
}

function str(value: SqlValue | undefined): string {
  if (!value || value.kind === "null") return "";
  return String(value.value).trim();
}

/** Builds the description from the three result sets above. */
export function toTableDescription(tableRow: Row, columnRows: Row[], indexRows: Row[]): TableDescription {
  const byNumber = new Map<number, string>();
  const columns = columnRows.map((row) => {
    const name = str(row[0]);
    byNumber.set(num(row[1]), name);
    const extendedName = str(row[5]);
    const decoded = decodeColtype(num(row[2]), num(row[3]), {
      id: num(row[4]),
      name: extendedName === "" ? undefined : extendedName,
    });
    return {
      name,
      type: decoded.portable,
      nativeType: decoded.nativeType,
      nullable: decoded.nullable,
      precision: decoded.precision,
      scale: decoded.scale,
    };
  });
  let primaryKey: string[] = [];
  const indexes = indexRows.map((row) => {
    const parts = row
      .slice(3, 19)
      .map((cell) => Math.abs(num(cell)))
      .filter((colno) => colno > 0)
      .map((colno) => byNumber.get(colno) ?? `#${colno}`);
    if (num(row[2]) === 1) primaryKey = parts;
    return { name: str(row[0]), columns: parts, unique: str(row[1]).toUpperCase() === "U" };
  });
  return {
    table: { schema: str(tableRow[1]), name: str(tableRow[2]), kind: str(tableRow[3]) === "V" ? "view" : "table" },
    columns,
    primaryKey,
    indexes,
  };
}
