// PostgreSQL's own parser and scanner (npm libpg-query: the server's C sources compiled to WebAssembly, the
// same major version as the servers we test against). The module is loaded once at start-up
// (loadPostgresParser, about 12 ms); after that every call is synchronous, so a request parses without
// yielding to the event loop.
//
// Positions that libpg-query reports (token start/end, cursor positions) are byte offsets in the UTF-8
// encoding of the text, not JavaScript string indices: callers work on the UTF-8 bytes.
import {
  fingerprintSync,
  loadModule,
  type ParseResult,
  parseSync,
  type ScanToken,
  SqlError,
  scanSync,
} from "libpg-query";

let loading: Promise<void> | undefined;
let loaded = false;

/** Loads the WebAssembly module; safe to call more than once. */
export async function loadPostgresParser(): Promise<void> {
  loading ??= loadModule().then(() => {
    loaded = true;
    calibrate();
  });
  await loading;
}

export function postgresParserLoaded(): boolean {
  return loaded;
}

function requireLoaded(): void {
  if (!loaded) throw new Error("the PostgreSQL parser is not loaded: call loadPostgresParser() at start-up");
}

/** A text PostgreSQL's grammar rejects; `byteOffset` is where, in UTF-8 bytes. */
export class PostgresSyntaxError extends Error {
  constructor(
    message: string,
    readonly byteOffset: number,
  ) {
    super(message);
    this.name = "PostgresSyntaxError";
  }
}

function syntaxError(error: unknown): PostgresSyntaxError {
  if (error instanceof SqlError) return new PostgresSyntaxError(error.message, error.sqlDetails?.cursorPosition ?? 0);
  // A tree too deep for the JSON reader (`1 + 1 + ...` twenty thousand times): refused, never an internal error.
  if (error instanceof RangeError) return new PostgresSyntaxError("the statement is nested too deeply", 0);
  throw error;
}

export function parseTree(sql: string): ParseResult {
  requireLoaded();
  try {
    return parseSync(sql);
  } catch (error) {
    throw syntaxError(error);
  }
}

/** The scanner's tokens, comments included. A lexical error is reported with the parser's own message. */
export function scanTokens(sql: string): ScanToken[] {
  requireLoaded();
  try {
    return scanSync(sql).tokens;
  } catch {
    // scanSync reports lexer errors as unparseable output; the parser runs the same lexer and says what is wrong.
    parseTree(sql);
    throw new PostgresSyntaxError("the text cannot be read as PostgreSQL tokens", 0);
  }
}

/** libpg_query's fingerprint of the parse tree: 16 hex digits, the same for texts that differ only in values. */
export function treeFingerprint(sql: string): string {
  requireLoaded();
  return fingerprintSync(sql);
}

/**
 * Token type numbers differ between libpg-query builds, so they are learned from the scanner itself at load:
 * what it calls `?`, `$1`, a comment, a string.
 */
export const TOKEN = {
  operator: -1,
  param: -1,
  lineComment: -1,
  blockComment: -1,
  constants: new Set<number>(),
};

function typeOf(sample: string, index = 0): number {
  const token = scanSync(sample).tokens[index];
  if (!token) throw new Error(`libpg-query scanner returned no token for ${sample}`);
  return token.tokenType;
}

function calibrate(): void {
  TOKEN.operator = typeOf("?");
  TOKEN.param = typeOf("$1");
  TOKEN.lineComment = typeOf("-- c");
  TOKEN.blockComment = typeOf("/* c */");
  // String, Unicode string, bit string, hex string, integer, float, and (as a decimal) numeric constants.
  for (const sample of ["'s'", "U&'s'", "B'1'", "X'1f'", "1", "1.5", "99999999999999999999"]) {
    TOKEN.constants.add(typeOf(sample));
  }
  if (TOKEN.operator === TOKEN.param || TOKEN.lineComment === TOKEN.operator) {
    throw new Error("libpg-query scanner calibration failed");
  }
}
