// listTables / describeTable from sqlite_schema and the table_info / index_list / index_info pragmas.

import type { DatabaseSync } from "node:sqlite";
import { echo } from "../../../core/client-text.js";
import type { IndexInfo, TableDescription, TableFilter, TableInfo } from "../../driver.js";
import { DbError } from "../../errors.js";
import { columnInfo } from "./values.js";

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function listTables(db: DatabaseSync, filter: TableFilter): TableInfo[] {
  const schema = filter.schema ?? "main";
  const kinds = filter.includeViews ? "('table','view')" : "('table')";
  const statement = db.prepare(
    `SELECT name, type FROM ${quoteIdentifier(schema)}.sqlite_schema
      WHERE type IN ${kinds} AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name LIKE ?
      ORDER BY name`,
  );
  const rows = statement.all(filter.namePattern ?? "%") as Array<{ name: string; type: string }>;
  return rows.map((r) => ({ schema, name: r.name, kind: r.type === "view" ? "view" : "table" }));
}

interface TableInfoRow {
  cid: number;
  name: string;
  type: string;
  notnull: number;
  pk: number;
}

export function describeTable(db: DatabaseSync, schema: string | undefined, table: string): TableDescription {
  const s = quoteIdentifier(schema ?? "main");
  const master = db
    .prepare(`SELECT type FROM ${s}.sqlite_schema WHERE name = ? AND type IN ('table','view')`)
    .get(table) as { type: string } | undefined;
  if (!master) throw new DbError("undefined_object", `no such table: ${echo(table)}`);
  const columnRows = db.prepare(`PRAGMA ${s}.table_info(${quoteIdentifier(table)})`).all() as unknown as TableInfoRow[];
  const columns = columnRows.map((c) => columnInfo(c.name, c.type, c.notnull === 0 && c.pk === 0));
  const primaryKey = columnRows
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => c.name);
  const indexRows = db.prepare(`PRAGMA ${s}.index_list(${quoteIdentifier(table)})`).all() as Array<{
    name: string;
    unique: number;
  }>;
  const indexes: IndexInfo[] = indexRows.map((index) => {
    const parts = db.prepare(`PRAGMA ${s}.index_info(${quoteIdentifier(index.name)})`).all() as Array<{
      seqno: number;
      name: string | null;
    }>;
    return {
      name: index.name,
      unique: index.unique === 1,
      columns: parts.sort((a, b) => a.seqno - b.seqno).map((p) => p.name ?? "<expression>"),
    };
  });
  return {
    table: { schema: schema ?? "main", name: table, kind: master.type === "view" ? "view" : "table" },
    columns,
    primaryKey,
    indexes,
  };
}
