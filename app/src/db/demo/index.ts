// Creates and fills the demo database through any executor of plain SQL text (a SQLite handle, a pg
// client, a driver connection), in one transaction.
import { demoInsertStatements } from "./data.js";
import { type DemoDialect, demoSchemaStatements } from "./schema.js";

export { demoRows } from "./data.js";
export { DEMO_TABLES, type DemoDialect } from "./schema.js";

export type SqlExecutor = (sql: string) => unknown | Promise<unknown>;

export async function createDemoDatabase(dialect: DemoDialect, exec: SqlExecutor): Promise<void> {
  await exec("BEGIN");
  try {
    for (const statement of [...demoSchemaStatements(dialect), ...demoInsertStatements(dialect)]) {
      await exec(statement);
    }
    await exec("COMMIT");
  } catch (error) {
    await exec("ROLLBACK");
    throw error;
  }
}
