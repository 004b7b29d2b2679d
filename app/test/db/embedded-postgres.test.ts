import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";

describe("embedded PostgreSQL for tests", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("smoke");
  });
  afterAll(async () => {
    await db?.drop();
  });
  it("gives each file its own database", async () => {
    const result = await db.admin("SELECT current_database() AS name");
    expect(result.rows[0].name).toBe(db.config.database);
  });
});
