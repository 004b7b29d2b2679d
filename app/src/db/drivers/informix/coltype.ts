// Decodes Informix catalog type codes (syscolumns.coltype / collength, also used by sysprocedures and
// the SQLDA) into the proxy's column metadata. Reference: IBM Informix Guide to SQL: Reference,
// "SYSCOLUMNS" (coltype codes, NOT NULL bit 0x100, collength encodings).
import type { PortableType } from "../../values.js";

export interface DecodedColtype {
  /** e.g. "DATETIME YEAR TO FRACTION(3)", "DECIMAL(16,2)", "VARCHAR(128,10)". */
  nativeType: string;
  portable: PortableType;
  precision: number;
  scale: number;
  nullable: boolean;
}

const NOT_NULL = 0x100;
/** Flag bits above the base code: distinct (0x800), named row (0x1000), distinct lvarchar/boolean (0x200/0x400). */
const BASE_MASK = 0xff;

/** DATETIME/INTERVAL field codes in the low nibbles of collength. */
const FIELD_NAMES: Record<number, string> = { 0: "YEAR", 2: "MONTH", 4: "DAY", 6: "HOUR", 8: "MINUTE", 10: "SECOND" };
const FRACTION_BASE = 10; // FRACTION(n) is coded 10 + n, n = 1..5

/** Well-known sysxtdtypes.extended_id values of the built-in opaque types. */
const EXTENDED_BY_ID: Record<number, string> = { 1: "LVARCHAR", 5: "BOOLEAN", 10: "BLOB", 11: "CLOB" };

export interface ExtendedType {
  /** syscolumns.extended_id */
  id?: number;
  /** sysxtdtypes.name, when the catalog query joined it */
  name?: string;
}

export function decodeColtype(coltype: number, collength: number, extended: ExtendedType = {}): DecodedColtype {
  const nullable = (coltype & NOT_NULL) === 0;
  const base = coltype & BASE_MASK;
  // collength was a SMALLINT before 12.10 and comes back negative past 32767.
  const length = collength < 0 ? collength + 65536 : collength;
  const make = (nativeType: string, portable: PortableType, precision = 0, scale = 0): DecodedColtype => ({
    nativeType,
    portable,
    precision,
    scale,
    nullable,
  });

  switch (base) {
    case 0:
      return make(`CHAR(${length})`, "string", length);
    case 1:
      return make("SMALLINT", "int64", 5);
    case 2:
      return make("INTEGER", "int64", 10);
    case 3:
      return make("FLOAT", "double", 17);
    case 4:
      return make("SMALLFLOAT", "double", 9);
    case 5:
    case 8: {
      const name = base === 5 ? "DECIMAL" : "MONEY";
      const precision = length >> 8;
      const scale = length & 0xff;
      // scale 255 marks a floating-point DECIMAL(p): no fixed scale.
      if (scale === 0xff) return make(`${name}(${precision})`, "decimal", precision, 0);
      return make(`${name}(${precision},${scale})`, "decimal", precision, scale);
    }
    case 6:
      return make("SERIAL", "int64", 10);
    case 7:
      return make("DATE", "date", 10);
    case 9:
      return make("NULL", "unknown");
    case 10:
      return decodeTemporal("DATETIME", length, nullable);
    case 11:
      return make("BYTE", "bytes");
    case 12:
      return make("TEXT", "string");
    case 13:
    case 16: {
      const name = base === 13 ? "VARCHAR" : "NVARCHAR";
      const max = length & 0xff;
      const min = length >> 8;
      return make(min > 0 ? `${name}(${max},${min})` : `${name}(${max})`, "string", max);
    }
    case 14:
      return decodeTemporal("INTERVAL", length, nullable);
    case 15:
      return make(`NCHAR(${length})`, "string", length);
    case 17:
      return make("INT8", "int64", 19);
    case 18:
      return make("SERIAL8", "int64", 19);
    case 19:
      return make("SET", "unknown");
    case 20:
      return make("MULTISET", "unknown");
    case 21:
      return make("LIST", "unknown");
    case 22:
      return make("ROW", "unknown");
    case 23:
      return make("COLLECTION", "unknown");
    case 40:
    case 41:
      return decodeOpaque(base, length, extended, nullable);
    case 43:
      return make(`LVARCHAR(${length})`, "string", length);
    case 45:
      return make("BOOLEAN", "bool");
    case 52:
      return make("BIGINT", "int64", 19);
    case 53:
      return make("BIGSERIAL", "int64", 19);
    default:
      return make(`UNKNOWN(${coltype})`, "unknown");
  }
}

function decodeOpaque(base: number, length: number, extended: ExtendedType, nullable: boolean): DecodedColtype {
  const name = (extended.name ?? (extended.id !== undefined ? EXTENDED_BY_ID[extended.id] : undefined))?.toUpperCase();
  const make = (nativeType: string, portable: PortableType, precision = 0): DecodedColtype => ({
    nativeType,
    portable,
    precision,
    scale: 0,
    nullable,
  });
  switch (name) {
    case "LVARCHAR":
      return make(`LVARCHAR(${length})`, "string", length);
    case "BOOLEAN":
      return make("BOOLEAN", "bool");
    case "BLOB":
      return make("BLOB", "bytes");
    case "CLOB":
      return make("CLOB", "string");
    case undefined:
      return make(base === 40 ? "OPAQUE VARIABLE" : "OPAQUE FIXED", "unknown");
    default:
      return make(name, "unknown");
  }
}

/** collength = digits * 256 + firstField * 16 + lastField. */
export function decodeTemporal(kind: "DATETIME" | "INTERVAL", collength: number, nullable = true): DecodedColtype {
  const digits = collength >> 8;
  const first = (collength >> 4) & 0xf;
  const last = collength & 0xf;
  const fractionDigits = last > FRACTION_BASE ? last - FRACTION_BASE : 0;
  const lastName = fieldName(last);
  let firstName = fieldName(first);
  if (kind === "INTERVAL" && first <= FRACTION_BASE) {
    // An INTERVAL's leading field may be wider than usual: INTERVAL DAY(5) TO SECOND.
    const leading = digits - digitsAfter(first, last);
    const usual = first === 0 ? 4 : 2;
    if (leading !== usual) firstName = `${firstName}(${leading})`;
  }
  const nativeType = first === last ? `${kind} ${firstName}` : `${kind} ${firstName} TO ${lastName}`;
  return {
    nativeType,
    portable: kind === "DATETIME" ? "timestamp" : "interval",
    precision: digits,
    scale: fractionDigits,
    nullable,
  };
}

function fieldName(code: number): string {
  if (code > FRACTION_BASE) return `FRACTION(${code - FRACTION_BASE})`;
  return FIELD_NAMES[code] ?? `FIELD${code}`;
}

/** Digits of the fields after `first` up to `last` (each 2, plus the fraction digits). */
function digitsAfter(first: number, last: number): number {
  const lastWhole = Math.min(last, FRACTION_BASE);
  const wholeFields = Math.max(0, (lastWhole - first) / 2);
  const fraction = last > FRACTION_BASE ? last - FRACTION_BASE : 0;
  return wholeFields * 2 + fraction;
}
