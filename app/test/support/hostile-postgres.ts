// A generator of hostile PostgreSQL statements for the differential property tests. Each generated case is a
// statement of known kind written two ways: `plain` (single spaces, simple literals) and `sql` (the same
// statement through every lexical form PostgreSQL accepts: line comments, nested block comments, dollar quotes
// with tags, E'' escape strings, U&'' strings and U&"" identifiers, quoted identifiers, random keyword case,
// every whitespace character, schema-qualified and quoted function names, `?` placeholders), with the text of
// literals and comments full of what a naive lexer trips on (`;`, `--`, `/*`, `*/`, `'`, `$$`, `?`, keywords,
// unicode spaces and homoglyphs). `expected` is the classes each statement needs, declared with the template.
import fc from "fast-check";

/** One seed for every run, so a failure is reproducible (fast-check prints the path to replay it). */
export const HOSTILE_SEED = 20_260_901;

export interface HostileCase {
  sql: string;
  plain: string;
  /** Sorted classes joined by "+", one entry per statement. */
  expected: string[];
  placeholders: number;
}

/** One token of a template: a keyword, an expression, a name, punctuation. */
type Piece = { hostile: string; plain: string; placeholders: number };

const piece = (hostile: string, plain = hostile, placeholders = 0): Piece => ({ hostile, plain, placeholders });

// Content characters a literal, comment or quoted identifier may hold.
const NASTY_CHARS = [
  "a",
  "Z",
  "0",
  " ",
  ";",
  "'",
  '"',
  "?",
  "$",
  "*",
  "/",
  "-",
  "\\",
  "(",
  ")",
  "{",
  "}",
  "\n",
  "\u00a0", // no-break space
  "\u2003", // em space
  "\u3000", // ideographic space
  "\u200b", // zero-width space
  "\ufeff", // byte-order mark
  "\u0415", // Cyrillic Е
  "\u0405", // Cyrillic Ѕ
  "é",
  "😀",
];
const NASTY_WORDS = [
  "DROP TABLE customer;",
  "DELETE FROM customer",
  "--",
  "/*",
  "*/",
  "$$",
  "$a$",
  "E'",
  "U&'",
  "?",
  ";",
];

const nastyText = fc
  .array(fc.oneof(fc.constantFrom(...NASTY_CHARS), fc.constantFrom(...NASTY_WORDS)), { maxLength: 8 })
  .map((parts) => parts.join(""));

/** Whitespace PostgreSQL skips (scan.l: space [ \t\n\r\f\v]). */
const WHITESPACE = fc.constantFrom(" ", "\t", "\n", "\r\n", "\f", "\v", "  ");

const lineComment = nastyText.map((t) => `--${t.replace(/[\n\r]/g, " ")}\n`);

/** Block comments nest in PostgreSQL: `/* a /* b *\/ c *\/` is one comment. */
const blockComment: fc.Arbitrary<string> = fc.letrec<{ comment: string }>((tie) => ({
  comment: fc
    .array(
      fc.oneof(
        // No `*` or `/` in the text itself: next to a nested comment they would open or close one.
        { weight: 4, arbitrary: nastyText.map((t) => t.replace(/[*/]/g, "")) },
        { weight: 1, arbitrary: tie("comment") },
      ),
      { maxLength: 3, depthIdentifier: "comment" },
    )
    .map((parts) => `/*${parts.join("")}*/`),
})).comment;

const separator = fc
  .array(fc.oneof({ weight: 3, arbitrary: WHITESPACE }, lineComment, blockComment), { minLength: 1, maxLength: 3 })
  .map((parts) => {
    const text = parts.join("");
    return /^\s/.test(text) ? text : ` ${text}`; // a comment right after an operator character would join it
  });

/** A keyword in random case. */
function keyword(word: string): fc.Arbitrary<Piece> {
  return fc
    .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
    .map((upper) => piece([...word].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(""), word));
}

function unicodeEscaped(text: string): string {
  // U&'' with \XXXX escapes for some characters (never for the quote's own escape rules to break).
  return [...text]
    .map((c, i) => {
      const code = c.codePointAt(0) ?? 0;
      if (c === "\\") return "\\\\";
      if (c === "'") return i % 2 === 0 ? "''" : "\\0027";
      if (i % 3 === 0 && code > 0 && code < 0xd800) return `\\${code.toString(16).padStart(4, "0")}`;
      return c;
    })
    .join("");
}

/** The same value as a standard string constant: the plain twin of every string form. */
const standard = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** A string constant of any form; its plain twin is the standard constant with the same value. */
const stringLiteral: fc.Arbitrary<Piece> = fc.oneof(
  nastyText.map((t) => piece(standard(t))),
  nastyText.map((t) => piece(`E'${t.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`, standard(t))),
  nastyText.map((t) => piece(`U&'${unicodeEscaped(t)}'`, standard(t))),
  // Dollar quotes: no `$` in the body, so no body can end the quote early.
  fc
    .tuple(
      fc.constantFrom("", "a", "tag", "q_1"),
      nastyText.map((t) => t.replaceAll("$", "")),
    )
    .map(([tag, t]) => piece(`$${tag}$${t}$${tag}$`, standard(t))),
);

const numberLiteral = fc.constantFrom("1", "42", "1.5", ".5", "1e3", "0x1F").map((n) => piece(n));

/** A value: a literal, or a `?` placeholder. */
const value: fc.Arbitrary<Piece> = fc.oneof(
  stringLiteral,
  numberLiteral,
  fc.constant(piece(" ? ", "?", 1)), // spaced, so the numbered $n never glues to a neighbour
);

/** A table name that folds to `customer` (or `orders`) however it is written. */
const table: fc.Arbitrary<Piece> = fc
  .constantFrom("customer", "orders")
  .chain((name) =>
    fc.constantFrom(
      piece(name),
      piece(name.toUpperCase(), name),
      piece(`"${name}"`, name),
      piece(`public.${name}`),
      piece(`"public"."${name}"`, `public.${name}`),
      piece(`U&"${name.slice(0, 2)}\\00${name.charCodeAt(2).toString(16)}${name.slice(3)}"`, name),
    ),
  );

/** An alias or column label: a quoted identifier full of nasty text (the name is part of the tree, so both forms keep it). */
const label: fc.Arbitrary<Piece> = nastyText
  .filter((t) => t.length > 0)
  .map((t) => piece(`"${t.replaceAll('"', '""')}"`));

/** A function name spelled any way PostgreSQL resolves to the same function. */
function functionName(name: string): fc.Arbitrary<Piece> {
  const escaped = [...name].map((c, i) => (i === 2 ? `\\00${c.charCodeAt(0).toString(16)}` : c)).join("");
  return fc.constantFrom(
    piece(name),
    piece(name.toUpperCase(), name),
    piece(`"${name}"`, name),
    piece(`pg_catalog.${name}`),
    piece(`"pg_catalog"."${name}"`, `pg_catalog.${name}`),
    piece(`PG_CATALOG . "${name}"`, `pg_catalog.${name}`),
    piece(`U&"${escaped}"`, name),
  );
}

interface Template {
  expected: string;
  pieces: fc.Arbitrary<Piece>[];
}

const t = (expected: string, ...pieces: (string | fc.Arbitrary<Piece>)[]): Template => ({
  expected,
  pieces: pieces.map((p) => (typeof p === "string" ? (/^[A-Za-z_ ]+$/.test(p) ? words(p) : fc.constant(piece(p))) : p)),
});

/** Several keywords, each in random case, joined by a separator later. */
function words(text: string): fc.Arbitrary<Piece> {
  const list = text.split(" ");
  return fc
    .tuple(...list.map(keyword), fc.array(separator, { minLength: list.length, maxLength: list.length }))
    .map((parts) => {
      const kws = parts.slice(0, list.length) as Piece[];
      const seps = parts[list.length] as string[];
      return piece(
        kws.map((k, i) => (i === 0 ? k.hostile : `${seps[i]}${k.hostile}`)).join(""),
        kws.map((k) => k.plain).join(" "),
      );
    });
}

const TEMPLATES: Template[] = [
  // reads
  t("read", "SELECT", value, "AS", label, "FROM", table),
  t("read", "SELECT", value, ",", value),
  t("read", "VALUES", "(", value, ")"),
  t("read", "SELECT", "*", "FROM", table, "WHERE", "customer_id", "=", value),
  t("read", "EXPLAIN", "DELETE FROM", table),
  t("read", "COPY", table, "TO STDOUT"),
  t("read", "SELECT", functionName("currval"), "(", stringLiteral, ")"),
  t("read", "SHOW", "search_path"),
  // writes
  t("write", "INSERT INTO", table, "VALUES", "(", value, ")"),
  t("write", "UPDATE", table, "SET", "city", "=", value),
  t("write", "DELETE FROM", table, "WHERE", "customer_id", "=", value),
  t("read+write", "WITH", "d", "AS", "(", "DELETE FROM", table, "RETURNING", "*", ")", "SELECT", "*", "FROM", "d"),
  t("read+write", "SELECT", "*", "FROM", table, "FOR UPDATE"),
  t("read+write", "SELECT", value, "FROM", table, "FOR SHARE"),
  t("read+write", "SELECT", functionName("nextval"), "(", stringLiteral, ")"),
  t("read+write", "EXPLAIN ANALYZE", "DELETE FROM", table),
  t("read+write", "EXPLAIN", "(", "ANALYZE", ")", "UPDATE", table, "SET", "city", "=", value),
  // tables created
  t("ddl+read", "SELECT", value, "INTO", table),
  // DDL
  t("ddl", "DROP TABLE", table),
  t("ddl", "CREATE TABLE", table, "(", "a", "int", ")"),
  t("ddl", "TRUNCATE", table),
  t("ddl", "ALTER TABLE", table, "ADD COLUMN", "b", "int"),
  // admin
  t("admin", "COPY", "(", "SELECT", value, ")", "TO PROGRAM", stringLiteral),
  t("admin", "COPY", table, "FROM", stringLiteral),
  t("admin+read", "SELECT", functionName("pg_read_file"), "(", stringLiteral, ")"),
  t("admin+read", "SELECT", "*", "FROM", functionName("pg_ls_dir"), "(", stringLiteral, ")"),
  t("admin+read", "SELECT", functionName("pg_terminate_backend"), "(", value, ")"),
  t("admin+read", "SELECT", functionName("set_config"), "(", stringLiteral, ",", stringLiteral, ",", "false", ")"),
  t("admin", "SET", "search_path", "=", stringLiteral),
  t("admin", "LOCK TABLE", table),
  t("admin", "VACUUM", table),
  // procedures and dynamic SQL
  t("procedure", "CALL", "p", "(", value, ")"),
  t("procedure", "DO", stringLiteral),
  // transaction and session
  t("transaction", "BEGIN"),
  t("transaction", "COMMIT"),
  t("session", "SET ROLE", "postgres"),
  t("session", "LISTEN", "ch"),
];

function render(template: Template): fc.Arbitrary<{ sql: string; plain: string; placeholders: number }> {
  return fc
    .tuple(
      fc.tuple(...template.pieces),
      fc.array(separator, { minLength: template.pieces.length, maxLength: template.pieces.length }),
    )
    .map(([pieces, seps]) => ({
      sql: pieces.map((p, i) => (i === 0 ? p.hostile : `${seps[i]}${p.hostile}`)).join(""),
      plain: pieces.map((p) => p.plain).join(" "),
      placeholders: pieces.reduce((sum, p) => sum + p.placeholders, 0),
    }));
}

const oneStatement = fc
  .constantFrom(...TEMPLATES)
  .chain((template) => render(template).map((r) => ({ ...r, expected: template.expected })));

/** One to three statements, with separators and stray semicolons between and around them. */
export const hostileStatements: fc.Arbitrary<HostileCase> = fc
  .tuple(fc.array(oneStatement, { minLength: 1, maxLength: 3 }), separator, fc.boolean())
  .map(([statements, sep, trailing]) => ({
    sql: statements.map((s) => s.sql).join(`;${sep}`) + (trailing ? `${sep};` : ""),
    plain: statements.map((s) => s.plain).join("; "),
    expected: statements.map((s) => s.expected),
    placeholders: statements.reduce((sum, s) => sum + s.placeholders, 0),
  }));

/** A single statement of a class other than read (for the end-to-end refusal runs). */
export const hostileSingleStatement: fc.Arbitrary<HostileCase> = oneStatement.map((s) => ({
  sql: s.sql,
  plain: s.plain,
  expected: [s.expected],
  placeholders: s.placeholders,
}));

const UNICODE_SPACES = ["\u00a0", "\u2000", "\u2003", "\u2009", "\u3000", "\u200b", "\ufeff", "\u0085", "\u2028"];
const HOMOGLYPHS: Record<string, string> = {
  E: "\u0415",
  e: "\u0435",
  S: "\u0405",
  O: "\u041e",
  o: "\u043e",
  C: "\u0421",
  a: "\u0430",
};

/**
 * The statement with one mutation a lexer might misread: an ASCII space turned into a unicode space, or a
 * letter into its Cyrillic look-alike. PostgreSQL reads both as identifier characters, so the meaning changes;
 * only the server can say how, which is what the server differential checks.
 */
export const mutatedStatement: fc.Arbitrary<{ sql: string; original: HostileCase }> = fc
  .tuple(hostileSingleStatement, fc.nat(), fc.boolean(), fc.constantFrom(...UNICODE_SPACES))
  .map(([original, position, space, unicodeSpace]) => {
    const chars = [...original.sql];
    const candidates = chars.map((c, i) => ({ c, i })).filter(({ c }) => (space ? c === " " : c in HOMOGLYPHS));
    const target = candidates[position % Math.max(1, candidates.length)];
    if (target) chars[target.i] = space ? unicodeSpace : (HOMOGLYPHS[target.c] as string);
    return { sql: chars.join(""), original };
  });
