// A generator of hostile SQLite statements for the SQLite differential test: statements of known kind through
// every lexical form SQLite accepts (-- and /* */ comments, '' strings, "" [] and `` quoted identifiers,
// random keyword case, whitespace) with literal, identifier and comment text full of what a lexer trips on,
// including the forms of the other dialects that SQLite reads differently (E'', $$, { }).
import fc from "fast-check";

export interface SqliteCase {
  sql: string;
  expected: string;
  placeholders: number;
}

const NASTY = [
  "a",
  "Z",
  " ",
  ";",
  "'",
  '"',
  "`",
  "[",
  "]",
  "?",
  "$$",
  "E'",
  "{",
  "}",
  "--",
  "/*",
  "\\",
  "\n",
  "\u00a0",
  "\u3000",
  "é",
  "DELETE FROM customer;",
  "DROP TABLE customer",
];
const nastyText = fc.array(fc.constantFrom(...NASTY), { maxLength: 6 }).map((p) => p.join(""));

const WHITESPACE = fc.constantFrom(" ", "\t", "\n", "\r\n", "\f", "  ");
const separator = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: WHITESPACE },
      nastyText.map((t) => `--${t.replace(/[\n\r]/g, " ")}\n`),
      nastyText.map((t) => `/*${t.replaceAll("*/", "* /")}*/`),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((parts) => ` ${parts.join("")}`);

const keyword = (word: string) =>
  fc
    .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
    .map((upper) => [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(""));

const stringLiteral = nastyText.map((t) => `'${t.replaceAll("'", "''")}'`);
const value = fc.oneof(stringLiteral, fc.constantFrom("1", "42", "1.5", "x'00ff'", "NULL"), fc.constant(" ? "));

/** An existing table, written in any of SQLite's identifier quotes. */
const table = fc
  .constantFrom("customer", "orders")
  .chain((name) => fc.constantFrom(name, name.toUpperCase(), `"${name}"`, `[${name}]`, `\`${name}\``, `main.${name}`));
/** A new name, quoted any way, full of nasty text. */
const newName = nastyText
  .filter((t) => t.length > 0)
  .chain((t) =>
    fc.constantFrom(`"${t.replaceAll('"', '""')}"`, `[${t.replaceAll("]", "")}]`, `\`${t.replaceAll("`", "``")}\``),
  );

type Part = string | fc.Arbitrary<string>;
const words = (text: string) => fc.tuple(...text.split(" ").map(keyword)).map((w) => w.join(" "));

function template(expected: string, ...parts: Part[]): fc.Arbitrary<SqliteCase> {
  const arbitraries = parts.map((p) =>
    typeof p === "string" ? (/^[A-Za-z_ ]+$/.test(p) ? words(p) : fc.constant(p)) : p,
  );
  return fc
    .tuple(fc.tuple(...arbitraries), fc.array(separator, { minLength: parts.length, maxLength: parts.length }))
    .map(([pieces, seps]) => {
      const sql = pieces.map((p, i) => (i === 0 ? p : `${seps[i]}${p}`)).join("");
      return { sql, expected, placeholders: pieces.filter((p) => p === " ? ").length };
    });
}

export const hostileSqlite: fc.Arbitrary<SqliteCase> = fc.oneof(
  template("read", "SELECT", value, "AS", newName, "FROM", table),
  template("read", "SELECT", "*", "FROM", table, "WHERE", "customer_id", "=", value),
  template("read", "VALUES", "(", value, ")"),
  template("read", "WITH", "x", "AS", "(", "SELECT", value, ")", "SELECT", "*", "FROM", "x"),
  template("write", "INSERT INTO", table, "(", "customer_id", ")", "VALUES", "(", value, ")"),
  template("write", "UPDATE", table, "SET", "city", "=", value),
  template("write", "DELETE FROM", table, "WHERE", "customer_id", "=", value),
  template("write", "REPLACE INTO", table, "(", "customer_id", ")", "VALUES", "(", value, ")"),
  template(
    "write",
    "WITH",
    "x",
    "AS",
    "(",
    "SELECT",
    value,
    ")",
    "DELETE FROM",
    table,
    "WHERE",
    "customer_id",
    "IN",
    "(",
    "SELECT",
    "*",
    "FROM",
    "x",
    ")",
  ),
  template("ddl", "CREATE TABLE", newName, "(", "a", ")"),
  template("ddl", "DROP TABLE", table),
  template("ddl", "ALTER TABLE", table, "ADD COLUMN", newName),
  template("ddl", "CREATE VIEW", newName, "AS", "SELECT", value),
  template("ddl", "CREATE TRIGGER", newName, "AFTER INSERT ON", table, "BEGIN", "DELETE FROM", table, ";", "END"),
  template("admin", "PRAGMA", "user_version", "=", "1"),
  template("admin", "VACUUM"),
  template("admin", "ANALYZE"),
  template("session", "ATTACH DATABASE", "':memory:'", "AS", newName),
  template("transaction", "BEGIN"),
  template("transaction", "SAVEPOINT", "s"),
);
