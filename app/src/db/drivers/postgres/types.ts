// PostgreSQL values travel as text (every type parser is the identity, see RAW_TEXT_TYPES) and are mapped
// here by type OID, so nothing passes through a lossy JavaScript number: int8 -> bigint, numeric -> exact
// decimal text, date/timestamp -> ISO text with the full fraction.
import type { CustomTypesConfig } from "pg";
import { DbError } from "../../errors.js";
import type { ColumnInfo, PortableType, SqlValue } from "../../values.js";

export const OID = {
  bool: 16,
  bytea: 17,
  char: 18,
  name: 19,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  money: 790,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
} as const;

/** Every value arrives as the server's text form; mapping happens in fromPgText. */
export const RAW_TEXT_TYPES: CustomTypesConfig = {
  getTypeParser: () => (value: string) => value,
};

const PORTABLE: Record<number, PortableType> = {
  [OID.bool]: "bool",
  [OID.bytea]: "bytes",
  [OID.int2]: "int64",
  [OID.int4]: "int64",
  [OID.int8]: "int64",
  [OID.oid]: "int64",
  [OID.float4]: "double",
  [OID.float8]: "double",
  [OID.numeric]: "decimal",
  [OID.date]: "date",
  [OID.timestamp]: "timestamp",
  [OID.timestamptz]: "timestamp",
  [OID.interval]: "interval",
  [OID.text]: "string",
  [OID.varchar]: "string",
  [OID.bpchar]: "string",
  [OID.char]: "string",
  [OID.name]: "string",
  [OID.json]: "string",
  [OID.jsonb]: "string",
  [OID.uuid]: "string",
  [OID.time]: "string",
  [OID.timetz]: "string",
  [OID.money]: "string",
};

export function portableTypeOf(oid: number): PortableType {
  return PORTABLE[oid] ?? "unknown";
}

const BASE_NAMES: Record<number, string> = {
  [OID.bool]: "boolean",
  [OID.bytea]: "bytea",
  [OID.char]: '"char"',
  [OID.name]: "name",
  [OID.int2]: "smallint",
  [OID.int4]: "integer",
  [OID.int8]: "bigint",
  [OID.oid]: "oid",
  [OID.text]: "text",
  [OID.json]: "json",
  [OID.jsonb]: "jsonb",
  [OID.float4]: "real",
  [OID.float8]: "double precision",
  [OID.money]: "money",
  [OID.date]: "date",
  [OID.interval]: "interval",
  [OID.uuid]: "uuid",
};

export interface NativeType {
  name: string;
  precision: number;
  scale: number;
}

/** format_type(oid, typmod) computed locally for the common types; `typeNames` (pg_type) for the rest. */
export function nativeTypeOf(oid: number, typmod: number, typeNames?: ReadonlyMap<number, string>): NativeType {
  const hasMod = typmod >= 0;
  switch (oid) {
    case OID.numeric: {
      if (!hasMod) return { name: "numeric", precision: 0, scale: 0 };
      const precision = ((typmod - 4) >> 16) & 0xffff;
      const scale = (typmod - 4) & 0xffff;
      return { name: `numeric(${precision},${scale})`, precision, scale };
    }
    case OID.varchar:
      return hasMod
        ? { name: `character varying(${typmod - 4})`, precision: typmod - 4, scale: 0 }
        : { name: "character varying", precision: 0, scale: 0 };
    case OID.bpchar:
      return hasMod
        ? { name: `character(${typmod - 4})`, precision: typmod - 4, scale: 0 }
        : { name: "bpchar", precision: 0, scale: 0 };
    case OID.timestamp:
    case OID.timestamptz:
    case OID.time:
    case OID.timetz: {
      const base = oid === OID.timestamp || oid === OID.timestamptz ? "timestamp" : "time";
      const zone = oid === OID.timestamptz || oid === OID.timetz ? "with time zone" : "without time zone";
      const fraction = hasMod ? typmod : 6;
      return { name: hasMod ? `${base}(${typmod}) ${zone}` : `${base} ${zone}`, precision: 0, scale: fraction };
    }
    default: {
      const name = BASE_NAMES[oid] ?? typeNames?.get(oid) ?? `oid ${oid}`;
      return { name, precision: 0, scale: 0 };
    }
  }
}

export function columnInfoOf(
  name: string,
  oid: number,
  typmod: number,
  nullable: boolean,
  typeNames?: ReadonlyMap<number, string>,
): ColumnInfo {
  const native = nativeTypeOf(oid, typmod, typeNames);
  return {
    name,
    type: portableTypeOf(oid),
    nativeType: native.name,
    nullable,
    precision: native.precision,
    scale: native.scale,
  };
}

// "2024-02-29 13:45:12.123456" -> "2024-02-29T13:45:12.123456"; "+00" offsets become "+00:00".
function isoTimestamp(text: string, withZone: boolean): string {
  let iso = text.replace(/^(\d{4,}-\d{2}-\d{2}) /, "$1T");
  if (withZone) iso = iso.replace(/([+-]\d{2})$/, "$1:00");
  return iso;
}

function decodeBytea(text: string): Uint8Array {
  if (text.startsWith("\\x")) return new Uint8Array(Buffer.from(text.slice(2), "hex"));
  // bytea_output = 'escape' (not our session default, but be safe)
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "\\") {
      if (text[i + 1] === "\\") {
        bytes.push(0x5c);
        i += 1;
      } else {
        bytes.push(Number.parseInt(text.slice(i + 1, i + 4), 8));
        i += 3;
      }
    } else {
      bytes.push(text.charCodeAt(i));
    }
  }
  return new Uint8Array(bytes);
}

export function fromPgText(text: string | null, oid: number): SqlValue {
  if (text === null || text === undefined) return { kind: "null" };
  switch (portableTypeOf(oid)) {
    case "bool":
      return { kind: "bool", value: text === "t" };
    case "int64":
      return { kind: "int64", value: BigInt(text) };
    case "double":
      return {
        kind: "double",
        value: Number(text === "Infinity" || text === "-Infinity" || text === "NaN" ? text : text),
      };
    case "decimal":
      return { kind: "decimal", value: text };
    case "date":
      return { kind: "date", value: text };
    case "timestamp":
      return { kind: "timestamp", value: isoTimestamp(text, oid === OID.timestamptz) };
    case "interval":
      return { kind: "interval", value: text };
    case "bytes":
      return { kind: "bytes", value: decodeBytea(text) };
    default:
      return { kind: "string", value: text };
  }
}

/** SqlValue -> a pg parameter. Text forms go as text and PostgreSQL casts them to the target column type. */
export function toPgParam(value: SqlValue): unknown {
  switch (value.kind) {
    case "null":
      return null;
    case "bool":
      return value.value;
    case "int64":
      return value.value.toString();
    case "double":
      return Number.isFinite(value.value) ? value.value : String(value.value);
    case "bytes":
      return Buffer.from(value.value.buffer, value.value.byteOffset, value.value.byteLength);
    case "string":
    case "decimal":
    case "date":
    case "timestamp":
    case "interval":
      return value.value;
    default:
      throw new DbError("invalid_statement", `unsupported parameter kind ${(value as { kind: string }).kind}`);
  }
}
