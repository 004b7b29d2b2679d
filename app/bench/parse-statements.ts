// What one parse per call costs: the libpg-query WebAssembly load, its memory, and microseconds per statement
// for the PostgreSQL dialect (uncached and through the dialect cache) beside the tokenizer dialect.
// Prints numbers; asserts nothing. Run: npm run bench:parse -w app
import { performance } from "node:perf_hooks";
import { dialectFor } from "../src/sql/dialects.js";
import { postgresDialect } from "../src/sql/postgres/dialect.js";
import { loadPostgresParser } from "../src/sql/postgres/parser.js";
import { tokenDialect } from "../src/sql/token-dialect.js";

const STATEMENTS = {
  "SELECT 1": "SELECT 1",
  "point lookup": "SELECT customer_id, first_name, last_name, city FROM customer WHERE customer_id = ?",
  "join + IN list": `SELECT o.order_id, c.last_name, sum(i.quantity * i.unit_price) AS total
    FROM orders o JOIN customer c ON c.customer_id = o.customer_id JOIN order_items i ON i.order_id = o.order_id
    WHERE o.order_date >= ? AND c.city IN ('Lyon', 'Oslo', 'Porto') GROUP BY o.order_id, c.last_name ORDER BY total DESC LIMIT 50`,
  "insert 3 params": "INSERT INTO inventory_movements (product_id, quantity, moved_at) VALUES (?, ?, ?)",
};

function microsPerCall(run: (i: number) => void, iterations: number): number {
  for (let i = 0; i < Math.min(500, iterations); i++) run(i); // warm-up
  const started = performance.now();
  for (let i = 0; i < iterations; i++) run(i);
  return ((performance.now() - started) * 1000) / iterations;
}

const rssBefore = process.memoryUsage().rss;
const loadStarted = performance.now();
await loadPostgresParser();
const loadMs = performance.now() - loadStarted;
const rssAfter = process.memoryUsage().rss;
console.log(`libpg-query load: ${loadMs.toFixed(1)} ms, RSS +${((rssAfter - rssBefore) / 2 ** 20).toFixed(1)} MiB`);

const sqlite = tokenDialect("sqlite");
const cachedPostgres = dialectFor("postgres");
const N = 20_000;
console.log("statement             postgres uncached   postgres cached   tokenizer (sqlite)");
for (const [name, sql] of Object.entries(STATEMENTS)) {
  // A comment that changes per call defeats the cache, as distinct texts would.
  const uncached = microsPerCall((i) => postgresDialect.parse(`${sql} -- ${i}`), N);
  const cached = microsPerCall(() => cachedPostgres.parse(sql), N);
  const tokens = microsPerCall(() => sqlite.parse(sql), N);
  console.log(
    `${name.padEnd(22)}${uncached.toFixed(1).padStart(10)} µs${cached.toFixed(2).padStart(16)} µs${tokens.toFixed(1).padStart(17)} µs`,
  );
}
