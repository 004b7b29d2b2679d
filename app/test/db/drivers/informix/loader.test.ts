import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { describeLoadFailure, IBM_DB_INSTALL_HELP, loadIbmDb } from "../../../../src/db/drivers/informix/loader.js";
import { DbError } from "../../../../src/db/errors.js";

describe("ibm_db loader", () => {
  it("turns a missing package into DbError(unsupported) that says exactly what to install", async () => {
    // A real resolver rooted where no node_modules/ibm_db can be found.
    const nowhere = createRequire("/nonexistent-root/app/index.js");
    const failure = await loadIbmDb(nowhere).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DbError);
    const error = failure as DbError;
    expect(error.kind).toBe("unsupported");
    expect(error.message).toContain("The package ibm_db is not installed.");
    expect(error.message).toContain("npm install -w app ibm_db");
    expect(error.message).toContain("IBM_DB_HOME");
    expect(error.message).toContain("npm_config_nodedir=");
    expect(error.message).toContain("npm rebuild ibm_db");
    expect(error.message).toMatch(/PyPI wheel of ibm-db/);
    expect(error.message).toContain("docs/informix.md");
  });

  it("names an ABI mismatch, a native module never built and missing CLI libraries", () => {
    expect(
      describeLoadFailure(
        new Error("The module was compiled against a different Node.js version using NODE_MODULE_VERSION 115."),
      ),
    ).toMatch(/built for another Node\.js version \(this is v\d+/);
    expect(describeLoadFailure(new Error("Could not locate the bindings file. Tried: ..."))).toMatch(/never built/);
    expect(describeLoadFailure(new Error("libdb2.so.1: cannot open shared object file"))).toMatch(
      /CLI driver libraries/,
    );
  });

  it("rejects a module that does not look like ibm_db", async () => {
    const error = await loadIbmDb(() => ({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DbError);
    expect((error as DbError).message).toContain("does not export open()");
    expect((error as DbError).message).toContain(IBM_DB_INSTALL_HELP.split("\n")[0]);
  });
});
