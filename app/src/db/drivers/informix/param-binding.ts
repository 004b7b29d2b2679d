// SqlValue -> ibm_db parameter. ibm_db guesses types from JavaScript values (an integer number binds as
// SQL_BIGINT via Int32Value, a string as SQL_CHAR), so every kind that could be damaged by a guess is
// bound in ibm_db's object form with explicit C and SQL types.
import { DbError } from "../../errors.js";
import type { SqlValue } from "../../values.js";
import type { IbmDbParam } from "./ibm-db-api.js";
import { SqlType } from "./value-mapping.js";

/** Informix DATETIME stops at FRACTION(5). */
export const MAX_FRACTION_DIGITS = 5;

export function toIbmDbParams(values: SqlValue[]): IbmDbParam[] {
  return values.map((value, index) => toIbmDbParam(value, index + 1));
}

export function toIbmDbParam(value: SqlValue, position: number): IbmDbParam {
  switch (value.kind) {
    case "null":
      return null;
    case "bool":
      // Informix BOOLEAN literals are 't' and 'f'; there is no implicit integer -> BOOLEAN cast.
      return value.value ? "t" : "f";
    case "int64":
      // Character data with SQL type BIGINT: the CLI converts the digits exactly, no double in between.
      return { ParamType: "INPUT", CType: "CHAR", SQLType: SqlType.BIGINT, Data: value.value.toString() };
    case "double":
      if (!Number.isFinite(value.value)) {
        throw invalid(position, "Informix FLOAT cannot store NaN or Infinity");
      }
      return { ParamType: "INPUT", CType: "DOUBLE", SQLType: SqlType.DOUBLE, Data: value.value };
    case "string":
      return value.value;
    case "bytes":
      return {
        ParamType: "INPUT",
        CType: "BINARY",
        SQLType: "BLOB",
        Data: Buffer.from(value.value.buffer, value.value.byteOffset, value.value.byteLength),
      };
    case "decimal":
      // Bound as text: the server converts it to the target DECIMAL/MONEY exactly. (A SQL_DECIMAL binding
      // would need precision/scale that ibm_db derives from a JavaScript number.)
      return checkedDecimal(value.value, position);
    case "date":
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value.value)) throw invalid(position, "a date must be YYYY-MM-DD");
      // SQL_TYPE_DATE: the CLI parses ISO text itself, so the server's DBDATE setting does not matter.
      return { ParamType: "INPUT", CType: "CHAR", SQLType: SqlType.TYPE_DATE, Data: value.value };
    case "timestamp":
      return informixDatetimeLiteral(value.value, position);
    case "interval":
      // Informix converts its own interval text ("5 10:30:00", "1-06") to the target INTERVAL.
      return value.value.trim();
  }
}

function invalid(position: number, why: string): DbError {
  return new DbError("invalid_statement", `parameter ${position}: ${why}`);
}

function checkedDecimal(text: string, position: number): string {
  const trimmed = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) {
    throw invalid(position, "a decimal must be a plain decimal number such as -12.50");
  }
  return trimmed;
}

/**
 * ISO-8601 local date-time (or time of day) -> Informix DATETIME literal text, bound as character data
 * that the server converts to the target column's qualifier. Deliberate rules:
 *  - an offset (Z, +02:00) is rejected: DATETIME has no time zone and dropping it would move the instant;
 *  - a fraction longer than FRACTION(5) is rejected unless the extra digits are zeros, since Informix
 *    would truncate it silently; round in the client, or send at most 5 digits.
 */
export function informixDatetimeLiteral(iso: string, position: number): string {
  const match =
    /^(?:(\d{4}-\d{2}-\d{2})(?:[T ]|$))?(?:(\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      iso.trim(),
    );
  if (!match || (!match[1] && !match[2])) {
    throw invalid(position, "a timestamp must be ISO-8601 local date-time text, e.g. 2024-01-31T12:34:56.12345");
  }
  const [, date, time, fraction, offset] = match;
  if (offset !== undefined) {
    throw invalid(position, "Informix DATETIME has no time zone; send local date-time text without an offset");
  }
  let digits = fraction ?? "";
  if (digits.length > MAX_FRACTION_DIGITS) {
    if (/[^0]/.test(digits.slice(MAX_FRACTION_DIGITS))) {
      throw invalid(
        position,
        `Informix DATETIME keeps at most ${MAX_FRACTION_DIGITS} fraction digits (FRACTION(5)); got ${digits.length}. Round the value in the client`,
      );
    }
    digits = digits.slice(0, MAX_FRACTION_DIGITS);
  }
  const timePart = time === undefined ? "" : `${time}${digits ? `.${digits}` : ""}`;
  return [date, timePart].filter((part) => part).join(" ");
}
