// The dialect of each database driver, and a cache in front of each: parsing is a pure function of the text,
// and applications send the same parameterised texts over and over, so a repeated text costs a map lookup.
import type { ParsedStatement, SqlDialect, SqlDialectName } from "../core/parsed-statement.js";
import { informixDialect } from "./informix/parse.js";
import { postgresDialect } from "./postgres/dialect.js";
import { tokenDialect } from "./token-dialect.js";

const CACHE_ENTRIES = 1000;
/** Longer texts are parsed every time: they are rarely repeated and would crowd the cache. */
const CACHE_MAX_TEXT = 16 * 1024;

/** Wraps a dialect with a least-recently-used cache of its results (syntax errors are not cached). */
export function cachedDialect(dialect: SqlDialect, entries = CACHE_ENTRIES): SqlDialect {
  const cache = new Map<string, ParsedStatement>();
  return {
    name: dialect.name,
    parse(sql: string): ParsedStatement {
      if (sql.length > CACHE_MAX_TEXT) return dialect.parse(sql);
      const hit = cache.get(sql);
      if (hit) {
        cache.delete(sql); // re-inserted as the most recently used
        cache.set(sql, hit);
        return hit;
      }
      const parsed = Object.freeze(dialect.parse(sql));
      cache.set(sql, parsed);
      if (cache.size > entries) cache.delete(cache.keys().next().value as string);
      return parsed;
    },
  };
}

const DIALECTS: Record<SqlDialectName, SqlDialect> = {
  postgres: cachedDialect(postgresDialect),
  sqlite: cachedDialect(tokenDialect("sqlite")),
  // The Informix lexer after IBM's grammar (sql/informix/); DELIMIDENT changes how it fingerprints "...".
  informix: cachedDialect(informixDialect({ delimident: false })),
};
const INFORMIX_DELIMIDENT: SqlDialect = cachedDialect(informixDialect({ delimident: true }));

export interface DialectOptions {
  /** Informix: the server's DELIMIDENT setting (databases.<name>.delimident). */
  delimident?: boolean;
}

/** The dialect of a driver ("postgres", "sqlite", "informix"). PostgreSQL needs loadPostgresParser() first. */
export function dialectFor(name: SqlDialectName, options: DialectOptions = {}): SqlDialect {
  return name === "informix" && options.delimident ? INFORMIX_DELIMIDENT : DIALECTS[name];
}
