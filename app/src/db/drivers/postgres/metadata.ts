// listTables / describeTable from information_schema and pg_catalog.

import type pg from "pg";
import { echo } from "../../../core/client-text.js";
import type { IndexInfo, TableDescription, TableFilter, TableInfo } from "../../driver.js";
import { DbError } from "../../errors.js";
import { columnInfoOf } from "./types.js";

type Query = (text: string, values: unknown[]) => Promise<pg.QueryResult>;

export async function listTables(query: Query, filter: TableFilter): Promise<TableInfo[]> {
  const types = filter.includeViews ? ["BASE TABLE", "VIEW"] : ["BASE TABLE"];
  const result = await query(
    `SELECT table_schema, table_name, table_type
       FROM information_schema.tables
      WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
        AND table_schema NOT LIKE 'pg\\_toast%'
        AND ($1::text IS NULL OR table_schema = $1)
        AND table_name LIKE $2
        AND table_type = ANY($3::text[])
      ORDER BY table_schema, table_name`,
    [filter.schema ?? null, filter.namePattern ?? "%", types],
  );
  return result.rows.map((r: { table_schema: string; table_name: string; table_type: string }) => ({
    schema: r.table_schema,
    name: r.table_name,
    kind: r.table_type === "VIEW" ? "view" : "table",
  }));
}

export async function describeTable(
  query: Query,
  schema: string | undefined,
  table: string,
): Promise<TableDescription> {
  // Without a schema, the table the search_path would find.
  const found = await query(
    `SELECT c.oid::text AS oid, n.nspname, c.relkind
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relname = $1 AND c.relkind IN ('r','p','v','m','f')
        AND (CASE WHEN $2::text IS NULL THEN pg_table_is_visible(c.oid) ELSE n.nspname = $2 END)
      LIMIT 1`,
    [table, schema ?? null],
  );
  const relation = found.rows[0] as { oid: string; nspname: string; relkind: string } | undefined;
  if (!relation)
    throw new DbError("undefined_object", `relation ${echo(schema ? `${schema}.${table}` : table)} does not exist`, {
      sqlstate: "42P01",
    });

  const columns = await query(
    `SELECT a.attname, a.atttypid::int AS typid, a.atttypmod AS typmod, a.attnotnull, format_type(a.atttypid, a.atttypmod) AS formatted
       FROM pg_attribute a
      WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [relation.oid],
  );
  const indexes = await query(
    `SELECT ic.relname AS name, i.indisunique AS unique, i.indisprimary AS primary,
            array_agg(coalesce(a.attname::text, '<expression>') ORDER BY k.ord)::text[] AS columns
       FROM pg_index i
       JOIN pg_class ic ON ic.oid = i.indexrelid
       CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
       LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = $1::oid
      GROUP BY ic.relname, i.indisunique, i.indisprimary
      ORDER BY ic.relname`,
    [relation.oid],
  );
  const indexInfos: IndexInfo[] = indexes.rows.map((r: { name: string; unique: boolean; columns: string[] }) => ({
    name: r.name,
    unique: r.unique,
    columns: r.columns,
  }));
  const primary = indexes.rows.find((r: { primary: boolean }) => r.primary) as { columns: string[] } | undefined;
  return {
    table: {
      schema: relation.nspname,
      name: table,
      kind: relation.relkind === "v" || relation.relkind === "m" ? "view" : "table",
    },
    columns: columns.rows.map(
      (r: { attname: string; typid: number; typmod: number; attnotnull: boolean; formatted: string }) => {
        const info = columnInfoOf(r.attname, r.typid, r.typmod, !r.attnotnull);
        return { ...info, nativeType: r.formatted };
      },
    ),
    primaryKey: primary?.columns ?? [],
    indexes: indexInfos,
  };
}
