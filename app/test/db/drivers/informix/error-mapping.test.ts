import { describe, expect, it } from "vitest";
import { cleanMessage, toDbError } from "../../../../src/db/drivers/informix/error-mapping.js";
import { DbError, type DbErrorKind } from "../../../../src/db/errors.js";

/** An error shaped as ibm_db 4 builds it in ODBC::GetSQLError (an Error with extra fields). */
function ibmDbError(sqlcode: number, sqlstate: string, text: string): Error {
  const error = new Error(`[IBM][CLI Driver][IDS/UNIX64] ${text} SQLSTATE=${sqlstate}\n`);
  Object.assign(error, { error: "[ibm_db] SQL_ERROR", sqlcode, sqlstate });
  return error;
}

describe("Informix error mapping", () => {
  it.each<[number, string, string, DbErrorKind]>([
    [-201, "42000", "A syntax error has occurred.", "invalid_statement"],
    [-206, "42S02", "The specified table (nosuch) is not in the database.", "undefined_object"],
    [-217, "42S22", "Column (nosuch) not found in any table in the query (or SLV is undefined).", "undefined_object"],
    [
      -239,
      "23000",
      "Could not insert new row - duplicate value in a UNIQUE INDEX column (Unique Index:u1).",
      "unique_violation",
    ],
    [-268, "23000", "Unique constraint (informix.u101_1) violated.", "unique_violation"],
    [
      -691,
      "23000",
      "Missing key in referenced table for referential constraint (informix.r102_2).",
      "constraint_violation",
    ],
    [-692, "23000", "Key value for constraint (informix.u101_1) is still being referenced.", "constraint_violation"],
    [-703, "23000", "Primary key on table (t) has a field with a null key value.", "constraint_violation"],
    [-530, "23000", "Check constraint (informix.c1) failed.", "constraint_violation"],
    [-243, "IX000", "Could not position within a table (informix.t).", "conflict"],
    [-244, "IX000", "Could not do a physical-order read to fetch next row.", "conflict"],
    [-143, "IX000", "ISAM error: deadlock detected.", "conflict"],
    [-908, "08001", "Attempt to connect to database server (ol_informix1410) failed.", "unavailable"],
    [-25580, "08S01", "System error occurred in network function.", "unavailable"],
    [
      -951,
      "28000",
      "Incorrect password or user informix@host is not known on the database server.",
      "authentication_failed",
    ],
    [-387, "28000", "No connect permission.", "authentication_failed"],
    [-213, "IX000", "Statement interrupted by user.", "timeout"],
    [-255, "25000", "Not in transaction.", "transaction_state"],
    [-272, "42501", "No SELECT permission for t.", "permission_denied"],
    [-273, "42501", "No UPDATE permission for t.", "permission_denied"],
  ])("SQLCODE %i -> %s", (sqlcode, sqlstate, text, kind) => {
    const mapped = toDbError(ibmDbError(sqlcode, sqlstate, text));
    expect(mapped).toBeInstanceOf(DbError);
    expect(mapped.kind).toBe(kind);
    expect(mapped.nativeCode).toBe(sqlcode);
    expect(mapped.sqlstate).toBe(sqlstate);
    expect(mapped.message).toBe(text);
  });

  it("maps the CLI's SQL30081N communication error (what a refused port gives) to unavailable, connection broken", () => {
    const refused = Object.assign(
      new Error(
        '[IBM][CLI Driver] SQL30081N  A communication error has been detected. Communication protocol being used: "TCP/IP".  Communication function detecting the error: "selectForConnectTimeout".  Protocol specific error code(s): "115", "*", "*".  SQLSTATE=08001\n',
      ),
      { error: "[ibm_db] SQL_ERROR", sqlcode: -30081, sqlstate: "08001" },
    );
    const mapped = toDbError(refused);
    expect(mapped.kind).toBe("unavailable");
    expect(mapped.connectionBroken).toBe(true);
    expect(mapped.message.startsWith("SQL30081N A communication error")).toBe(true);
  });

  it("falls back to the SQLSTATE class, reads the older `state` field, and splits -271 by its ISAM reason", () => {
    expect(toDbError({ sqlcode: -99, state: "08S01", message: "[IBM][CLI Driver] link down" }).kind).toBe(
      "unavailable",
    );
    expect(toDbError({ sqlcode: -99, sqlstate: "HYT00", message: "timeout expired" }).kind).toBe("timeout");
    expect(toDbError({ sqlcode: -99, sqlstate: "40001", message: "x" }).kind).toBe("conflict");
    expect(toDbError({ sqlcode: -99, sqlstate: "28000", message: "x" }).kind).toBe("authentication_failed");
    expect(
      toDbError({
        sqlcode: -271,
        sqlstate: "IX000",
        message: "Could not insert new row into the table. ISAM error: duplicate value for a record with unique key.",
      }).kind,
    ).toBe("unique_violation");
    expect(
      toDbError({
        sqlcode: -271,
        sqlstate: "IX000",
        message: "Could not insert new row into the table. ISAM error: record is locked.",
      }).kind,
    ).toBe("conflict");
    expect(toDbError({ sqlcode: -12345, sqlstate: "IX000", message: "something odd" }).kind).toBe("internal");
  });

  it("passes DbErrors through and wraps non-database errors as internal", () => {
    const own = new DbError("timeout", "x");
    expect(toDbError(own)).toBe(own);
    expect(toDbError(new TypeError("boom")).kind).toBe("internal");
    expect(toDbError("Invalid fetchMode!").kind).toBe("internal");
  });

  it("strips every bracketed driver prefix and the SQLSTATE suffix", () => {
    expect(cleanMessage("[IBM][CLI Driver][IDS/LINUX64] Not in transaction. SQLSTATE=25000")).toBe(
      "Not in transaction.",
    );
    expect(cleanMessage("[IBM][CLI Driver] CLI0106E  Connection is closed. SQLSTATE=08003")).toBe(
      "CLI0106E Connection is closed.",
    );
  });
});
