// Turns what ibm_db returns into lossless SqlValues, and CLI result descriptors into ColumnInfo.
// What ibm_db 4.x returns per column (src/odbc.cpp GetColumnValue):
//   INTEGER/SMALLINT          -> number (exact)
//   BIGINT (INT8, SERIAL8...) -> string (fetched as SQL_C_CHAR, exact); older releases gave a number
//   DECIMAL/NUMERIC/DECFLOAT  -> number (fetched as SQL_C_DOUBLE since 2.7.2: inexact past 15 digits)
//   REAL/FLOAT/DOUBLE         -> number
//   BIT                       -> boolean; BOOLEAN (16) -> text
//   DATE/TIME/TIMESTAMP (ODBC 3 codes) -> text; the ODBC 2 codes 9/11 -> Date
//   BINARY/VARBINARY/LONGVARBINARY/BLOB -> Buffer; everything else -> string
// DECIMAL wider than 15 digits is therefore fetched as text by the statement rewrite in exact-decimal.ts,
// and arrives here as a string.
import { DbError } from "../../errors.js";
import type { ColumnInfo, PortableType, SqlValue } from "../../values.js";
import { NULL } from "../../values.js";
import type { IbmDbCell, IbmDbColumnMetadata } from "./ibm-db-api.js";

/** ODBC concise SQL type codes (sqlext.h / sqlcli1.h). */
export const SqlType = {
  CHAR: 1,
  NUMERIC: 2,
  DECIMAL: 3,
  INTEGER: 4,
  SMALLINT: 5,
  FLOAT: 6,
  REAL: 7,
  DOUBLE: 8,
  DATETIME: 9,
  TIMESTAMP_ODBC2: 11,
  VARCHAR: 12,
  BOOLEAN: 16,
  TYPE_DATE: 91,
  TYPE_TIME: 92,
  TYPE_TIMESTAMP: 93,
  LONGVARCHAR: -1,
  BINARY: -2,
  VARBINARY: -3,
  LONGVARBINARY: -4,
  BIGINT: -5,
  TINYINT: -6,
  BIT: -7,
  WCHAR: -8,
  WVARCHAR: -9,
  WLONGVARCHAR: -10,
  GRAPHIC: -95,
  VARGRAPHIC: -96,
  LONGVARGRAPHIC: -97,
  BLOB: -98,
  CLOB: -99,
  DBCLOB: -350,
  DECFLOAT: -360,
  XML: -370,
} as const;

/** Digits a double carries exactly: any decimal with at most 15 significant digits survives the round trip. */
export const DOUBLE_EXACT_DIGITS = 15;

export function portableTypeOf(meta: IbmDbColumnMetadata): PortableType {
  const typeName = meta.SQL_DESC_TYPE_NAME.toUpperCase();
  if (typeName.startsWith("INTERVAL")) return "interval";
  if (typeName === "BOOLEAN") return "bool";
  switch (meta.SQL_DESC_CONSIZE_TYPE) {
    case SqlType.SMALLINT:
    case SqlType.INTEGER:
    case SqlType.TINYINT:
    case SqlType.BIGINT:
      return "int64";
    case SqlType.DECIMAL:
    case SqlType.NUMERIC:
    case SqlType.DECFLOAT:
      return "decimal";
    case SqlType.REAL:
    case SqlType.FLOAT:
    case SqlType.DOUBLE:
      return "double";
    case SqlType.BIT:
    case SqlType.BOOLEAN:
      return "bool";
    case SqlType.TYPE_DATE:
      return "date";
    case SqlType.TYPE_TIME:
    case SqlType.TYPE_TIMESTAMP:
    case SqlType.DATETIME:
    case SqlType.TIMESTAMP_ODBC2:
      return "timestamp";
    case SqlType.BINARY:
    case SqlType.VARBINARY:
    case SqlType.LONGVARBINARY:
    case SqlType.BLOB:
      return "bytes";
    case SqlType.CHAR:
    case SqlType.VARCHAR:
    case SqlType.LONGVARCHAR:
    case SqlType.WCHAR:
    case SqlType.WVARCHAR:
    case SqlType.WLONGVARCHAR:
    case SqlType.GRAPHIC:
    case SqlType.VARGRAPHIC:
    case SqlType.LONGVARGRAPHIC:
    case SqlType.CLOB:
    case SqlType.DBCLOB:
    case SqlType.XML:
      return "string";
    default:
      return "unknown";
  }
}

/** ColumnInfo from a CLI descriptor. The CLI does not report nullability through ibm_db: nullable=true. */
export function columnInfoOf(meta: IbmDbColumnMetadata): ColumnInfo {
  const type = portableTypeOf(meta);
  const typeName = meta.SQL_DESC_TYPE_NAME.toUpperCase();
  const precision = Math.max(0, meta.SQL_DESC_PRECISION);
  const scale = Math.max(0, meta.SQL_DESC_SCALE);
  let nativeType = typeName;
  if (type === "decimal" && meta.SQL_DESC_CONSIZE_TYPE !== SqlType.DECFLOAT)
    nativeType = `${typeName}(${precision},${scale})`;
  else if (type === "string" && /CHAR$/.test(typeName) && meta.SQL_DESC_LENGTH > 0) {
    nativeType = `${typeName}(${meta.SQL_DESC_LENGTH})`;
  }
  return { name: meta.SQL_DESC_NAME, type, nativeType, nullable: true, precision, scale };
}

/** True when a DECIMAL column cannot travel exactly as a double and must be fetched as text. */
export function needsTextFetch(meta: IbmDbColumnMetadata): boolean {
  const t = meta.SQL_DESC_CONSIZE_TYPE;
  if (t === SqlType.DECFLOAT) return true;
  if (t !== SqlType.DECIMAL && t !== SqlType.NUMERIC) return false;
  return !(meta.SQL_DESC_PRECISION > 0 && meta.SQL_DESC_PRECISION <= DOUBLE_EXACT_DIGITS);
}

/** Converts one cell; `column` says what the proxy promises for it. */
export function toSqlValue(cell: IbmDbCell | undefined, column: ColumnInfo): SqlValue {
  if (cell === null || cell === undefined) return NULL;
  switch (column.type) {
    case "int64":
      return { kind: "int64", value: toBigInt(cell, column) };
    case "double":
      return { kind: "double", value: typeof cell === "number" ? cell : Number(String(cell)) };
    case "decimal":
      return { kind: "decimal", value: toDecimalText(cell, column) };
    case "bool":
      return { kind: "bool", value: toBool(cell, column) };
    case "date":
      return { kind: "date", value: toDateText(cell) };
    case "timestamp":
      return { kind: "timestamp", value: toTimestampText(cell, column.scale) };
    case "interval":
      return { kind: "interval", value: String(cell).trim() };
    case "bytes":
      if (Buffer.isBuffer(cell))
        return { kind: "bytes", value: new Uint8Array(cell.buffer, cell.byteOffset, cell.length) };
      throw conversionError(column, "binary data did not arrive as a Buffer");
    default:
      // CHAR keeps its blank padding exactly as the database returns it.
      if (Buffer.isBuffer(cell)) return { kind: "bytes", value: new Uint8Array(cell) };
      if (cell instanceof Date) return { kind: "timestamp", value: toTimestampText(cell, 3) };
      return { kind: "string", value: String(cell) };
  }
}

function conversionError(column: ColumnInfo, why: string): DbError {
  return new DbError("internal", `Informix column ${column.name} (${column.nativeType}): ${why}`);
}

function toBigInt(cell: IbmDbCell, column: ColumnInfo): bigint {
  if (typeof cell === "number") {
    if (!Number.isSafeInteger(cell)) throw conversionError(column, "integer arrived as an inexact JavaScript number");
    return BigInt(cell);
  }
  const text = String(cell).trim();
  if (!/^[+-]?\d+$/.test(text)) throw conversionError(column, "integer text is not a whole number");
  return BigInt(text);
}

function toBool(cell: IbmDbCell, column: ColumnInfo): boolean {
  if (typeof cell === "boolean") return cell;
  if (typeof cell === "number") return cell !== 0;
  const text = String(cell).trim().toLowerCase();
  if (text === "t" || text === "1" || text === "true") return true;
  if (text === "f" || text === "0" || text === "false") return false;
  throw conversionError(column, "boolean is neither t/f nor 1/0");
}

/**
 * Exact decimal text. From text (the rewrite path): trimmed, currency symbols and a locale decimal comma
 * removed, exponent expanded, redundant leading zeros and '+' dropped, trailing zeros kept (they carry the
 * scale). From a double (only columns of precision <= 15, where the double is exact): printed with the
 * column's scale, or the shortest round-trip form for a floating DECIMAL(p).
 */
export function toDecimalText(
  cell: IbmDbCell,
  column: Pick<ColumnInfo, "name" | "nativeType" | "precision" | "scale">,
): string {
  if (typeof cell === "number") {
    if (!Number.isFinite(cell)) throw new DbError("internal", `Informix column ${column.name}: non-finite decimal`);
    if (!(column.precision > 0 && column.precision <= DOUBLE_EXACT_DIGITS)) {
      throw new DbError(
        "unsupported",
        `Informix column ${column.name} (${column.nativeType}) arrived as a JavaScript number and may have lost digits; CAST it to LVARCHAR in the query`,
      );
    }
    const fixedScale = column.scale >= 0 && column.scale <= column.precision && !/\(\d+\)$/.test(column.nativeType);
    return normalizeDecimalText(fixedScale ? cell.toFixed(column.scale) : String(cell));
  }
  return normalizeDecimalText(String(cell));
}

export function normalizeDecimalText(raw: string): string {
  let text = raw
    .trim()
    .replace(/^[^\d+\-.,]+/, "")
    .replace(/[^\d.,]+$/, (m) => (/^[eE]/.test(m) ? m : ""));
  if (!text.includes(".") && /^[+-]?\d*,\d+$/.test(text)) text = text.replace(",", ".");
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match || (match[2] === "" && (match[3] ?? "") === "")) {
    throw new DbError("internal", "Informix returned a DECIMAL in an unexpected text form");
  }
  const sign = match[1] === "-" ? "-" : "";
  let intPart = match[2] ?? "";
  let fracPart = match[3] ?? "";
  const exponent = Number(match[4] ?? "0");
  if (exponent > 0) {
    const moved = fracPart.padEnd(exponent, "0");
    intPart += moved.slice(0, exponent);
    fracPart = moved.slice(exponent);
  } else if (exponent < 0) {
    const padded = intPart.padStart(-exponent + 1, "0");
    fracPart = padded.slice(padded.length + exponent) + fracPart;
    intPart = padded.slice(0, padded.length + exponent);
  }
  intPart = intPart.replace(/^0+(?=\d)/, "");
  if (intPart === "") intPart = "0";
  const isZero = /^0*$/.test(intPart + fracPart);
  return `${isZero ? "" : sign}${intPart}${fracPart === "" ? "" : `.${fracPart}`}`;
}

/** YYYY-MM-DD, from the CLI's ISO text or (ODBC 2 code path) a Date built with timegm. */
export function toDateText(cell: IbmDbCell): string {
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  const text = String(cell).trim();
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!match) throw new DbError("internal", "Informix returned a DATE in an unexpected text form");
  return match[0];
}

/**
 * ISO-8601 local date-time text without an offset (Informix DATETIME has none). The CLI prints six
 * fraction digits for every TIMESTAMP; we keep `scale` digits (the column's FRACTION(n)) and never drop a
 * non-zero digit, so nothing is lost even when the descriptor under-reports the scale. Partial
 * qualifiers (HOUR TO SECOND) stay partial: "12:34:56".
 */
export function toTimestampText(cell: IbmDbCell, scale: number): string {
  let text: string;
  if (cell instanceof Date) text = cell.toISOString().replace("Z", "");
  else text = String(cell).trim();
  const match = /^(?:(\d{4}-\d{2}-\d{2})[ T-]?)?(?:(\d{2})[:.](\d{2})(?:[:.](\d{2}))?(?:\.(\d+))?)?$/.exec(text);
  if (!match || (!match[1] && !match[2])) return text; // leave unusual qualifiers (YEAR TO MONTH) as returned
  const [, date, hh, mi, ss, fraction] = match;
  let time = "";
  if (hh !== undefined) {
    time = `${hh}:${mi}${ss !== undefined ? `:${ss}` : ""}`;
    const digits = fraction ?? "";
    const lastNonZero = digits.replace(/0+$/, "").length;
    const keep = Math.max(Math.min(scale, 9), lastNonZero);
    if (keep > 0) time += `.${digits.padEnd(keep, "0").slice(0, keep)}`;
  }
  if (date && time) return `${date}T${time}`;
  return date ?? time;
}
