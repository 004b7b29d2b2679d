// The slice of ibm_db's API this driver uses (ibm_db 4.x, lib/odbc.js + its TypeScript typings). Declared
// here so the driver compiles without the optional package installed.

/** One bound parameter: a plain value, or ibm_db's object form that fixes the C and SQL types. */
export type IbmDbParam =
  | string
  | number
  | null
  | {
      ParamType: "INPUT";
      CType?: "CHAR" | "BINARY" | "DOUBLE";
      /** SQL type code or name: -5 BIGINT, 8 DOUBLE, 91 DATE, 93 TIMESTAMP, "BLOB", "CHAR". */
      SQLType?: number | "BLOB" | "CHAR" | "BINARY";
      Data: string | number | Buffer;
    };

/** Column metadata as getColumnMetadataSync() returns it (CLI descriptor fields). */
export interface IbmDbColumnMetadata {
  index: number;
  SQL_DESC_NAME: string;
  SQL_DESC_TYPE_NAME: string;
  /** ODBC concise SQL type (ibm_db spells it CONSIZE). */
  SQL_DESC_CONSIZE_TYPE: number;
  SQL_DESC_DISPLAY_SIZE: number;
  SQL_DESC_PRECISION: number;
  SQL_DESC_SCALE: number;
  SQL_DESC_LENGTH: number;
}

/** What GetColumnValue() in ibm_db's odbc.cpp hands back for one column. */
export type IbmDbCell = number | string | boolean | Buffer | Date | null;

export interface IbmDbResult {
  fetchN(count: number, options: { fetchMode: number }): Promise<IbmDbCell[][]>;
  getColumnMetadataSync(): IbmDbColumnMetadata[] | null | undefined;
  getAffectedRowsSync(): number;
  closeSync(): unknown;
}

export interface IbmDbStatement {
  execute(params?: IbmDbParam[]): Promise<IbmDbResult | [IbmDbResult, unknown[]]>;
  setAttrSync(attr: number, value: number): boolean;
  closeSync(option?: number): unknown;
}

export interface IbmDbDatabase {
  connected: boolean;
  prepare(sql: string): Promise<IbmDbStatement>;
  query(sql: string, params?: IbmDbParam[]): Promise<Array<Record<string, IbmDbCell>>>;
  /** Turns autocommit off; the transaction begins with the next statement. */
  beginTransaction(): Promise<unknown>;
  /** SQLEndTran, then autocommit back on. */
  commitTransaction(): Promise<unknown>;
  rollbackTransaction(): Promise<unknown>;
  close(): Promise<unknown>;
  closeSync(): unknown;
}

export interface IbmDbModule {
  open(connectionString: string, options?: { connectTimeout?: number; fetchMode?: number }): Promise<IbmDbDatabase>;
  FETCH_ARRAY: number;
  SQL_ATTR_QUERY_TIMEOUT: number;
  SQL_DROP: number;
}
