// Sample rows for the demo schema, generated deterministically (a fixed-seed PRNG) so every demo
// database has the same, realistic-looking content. Money is computed in integer cents: totals are exact.
import type { DemoDialect } from "./schema.js";

type Literal = string | number | bigint | boolean | null | Uint8Array | { decimal: string };

const FIRST = [
  "Ada",
  "Grace",
  "Alan",
  "Edsger",
  "Barbara",
  "Donald",
  "Frances",
  "Ken",
  "Margaret",
  "Dennis",
  "Radia",
  "John",
  "Sophie",
  "Tim",
  "Hedy",
  "Linus",
  "Katherine",
  "Niklaus",
  "Shafi",
  "Bjarne",
];
const LAST = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Dijkstra",
  "Liskov",
  "Knuth",
  "Allen",
  "Thompson",
  "Hamilton",
  "Ritchie",
  "Perlman",
  "Backus",
  "Wilson",
  "Berners-Lee",
  "Lamarr",
  "Torvalds",
  "Johnson",
  "Wirth",
  "Goldwasser",
  "Stroustrup",
];
const CITIES: Array<[string, string]> = [
  ["Lisboa", "Portugal"],
  ["München", "Germany"],
  ["Kraków", "Poland"],
  ["Zürich", "Switzerland"],
  ["São Paulo", "Brazil"],
  ["Toronto", "Canada"],
  ["Austin", "United States"],
  ["Osaka", "Japan"],
  ["Malmö", "Sweden"],
  ["Dublin", "Ireland"],
];
const COMPANIES = [
  "Acme Tools",
  "Northwind Traders",
  "Globex",
  "Initech",
  "Umbrella Supplies",
  null,
  "Stark Logistics",
  null,
  "Wayne Hardware",
  "Cyberdyne Parts",
];

const PRODUCTS: Array<[string, string, string, number, string | null]> = [
  ["HW-1001", "Claw hammer 450 g", "hardware", 1899, "0.450"],
  ["HW-1002", "Screwdriver set, 12 pieces", "hardware", 2450, "0.800"],
  ["HW-1003", "Adjustable wrench 250 mm", "hardware", 1575, "0.320"],
  ["HW-1004", "Tape measure 5 m", "hardware", 899, "0.210"],
  ["HW-1005", "Spirit level 600 mm", "hardware", 2190, "0.540"],
  ["PT-2001", "Cordless drill 18 V", "power tools", 12900, "1.650"],
  ["PT-2002", "Angle grinder 125 mm", "power tools", 8950, "2.100"],
  ["PT-2003", "Jigsaw 650 W", "power tools", 9990, "2.350"],
  ["PT-2004", "Random orbital sander", "power tools", 7450, "1.400"],
  ["GD-3001", "Garden hose 25 m", "garden", 3499, "2.800"],
  ["GD-3002", "Pruning shears", "garden", 1999, "0.230"],
  ["GD-3003", "Wheelbarrow 100 l", "garden", 8900, "14.500"],
  ["GD-3004", "Lawn rake", "garden", 1450, "0.900"],
  ["EL-4001", "Extension cord 10 m", "electrical", 1690, "0.950"],
  ["EL-4002", "LED work light 30 W", "electrical", 3290, "1.100"],
  ["EL-4003", "Voltage tester", "electrical", 1250, "0.090"],
  ["EL-4004", "Cable ties, 200 pieces", "electrical", 549, "0.180"],
  ["FS-5001", "Wood screws 4x40, 500 pieces", "fasteners", 1099, "1.200"],
  ["FS-5002", "Wall plugs 8 mm, 100 pieces", "fasteners", 449, "0.150"],
  ["FS-5003", "Hex bolts M8x60, 50 pieces", "fasteners", 1349, "1.500"],
  ["SF-6001", "Safety glasses", "safety", 799, "0.050"],
  ["SF-6002", "Work gloves, size 9", "safety", 650, "0.120"],
  ["SF-6003", "Ear defenders", "safety", 1899, "0.250"],
  ["SF-6004", "Dust masks FFP2, 10 pieces", "safety", 1299, null],
];

const STATUSES = ["new", "paid", "shipped", "delivered", "delivered", "delivered", "cancelled"] as const;

/** Mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function cents(value: number | bigint): { decimal: string } {
  const v = BigInt(value);
  const sign = v < 0n ? "-" : "";
  const abs = v < 0n ? -v : v;
  return { decimal: `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}` };
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

function day(offset: number): string {
  const d = new Date(Date.UTC(2025, 0, 6) + offset * 86_400_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function timestamp(date: string, random: () => number): string {
  const micros = Math.floor(random() * 1_000_000);
  return `${date} ${pad(8 + Math.floor(random() * 10))}:${pad(Math.floor(random() * 60))}:${pad(Math.floor(random() * 60))}.${pad(micros, 6)}`;
}

export interface DemoTableRows {
  table: string;
  columns: string[];
  rows: Literal[][];
}

export function demoRows(): DemoTableRows[] {
  const random = prng(20_250_106);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  const customers: Literal[][] = [];
  for (let i = 0; i < 40; i++) {
    const first = FIRST[i % FIRST.length] as string;
    const last = LAST[(i * 7) % LAST.length] as string;
    const [city, country] = CITIES[i % CITIES.length] as [string, string];
    customers.push([
      i + 1,
      first,
      last,
      COMPANIES[i % COMPANIES.length] ?? null,
      `${first}.${last}.${i + 1}@example.com`.toLowerCase(),
      i % 6 === 5 ? null : `+1-555-${pad(100 + i, 4)}`,
      city,
      country,
      cents((5 + (i % 8) * 5) * 100_000),
      i % 9 !== 8,
      timestamp(day(-300 + i * 7), random),
    ]);
  }

  const products: Literal[][] = PRODUCTS.map(([sku, name, category, price, weight], i) => [
    i + 1,
    sku,
    name,
    category,
    cents(price),
    weight === null ? null : { decimal: weight },
    i === 12,
    // A few tiny binary thumbnails, NUL bytes included, to exercise binary-safe columns.
    i % 5 === 0 ? new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x0d, 0x0a, 0x1a, 0x00, i]) : null,
  ]);

  const orders: Literal[][] = [];
  const items: Literal[][] = [];
  for (let o = 1; o <= 60; o++) {
    const orderDate = day(o * 3);
    const status = pick(STATUSES);
    const lines = 1 + Math.floor(random() * 4);
    let total = 0n;
    for (let line = 1; line <= lines; line++) {
      const productIndex = Math.floor(random() * PRODUCTS.length);
      const price = (PRODUCTS[productIndex] as [string, string, string, number, string | null])[3];
      const quantity = 1 + Math.floor(random() * 6);
      total += BigInt(price) * BigInt(quantity);
      items.push([o, line, productIndex + 1, quantity, cents(price)]);
    }
    const shipped = status === "shipped" || status === "delivered" ? timestamp(day(o * 3 + 1), random) : null;
    orders.push([o, 1 + ((o * 13) % 40), orderDate, status, cents(total), shipped]);
  }

  const movements: Literal[][] = [];
  let movementId = 1_000_000_000_000n; // large ids: BIGINT beyond 2^32 on purpose
  for (let p = 1; p <= PRODUCTS.length; p++) {
    const price = (PRODUCTS[p - 1] as [string, string, string, number, string | null])[3];
    movements.push([
      movementId++,
      p,
      "receipt",
      100 + p * 5,
      { decimal: ((price * 0.6) / 100).toFixed(6) },
      timestamp(day(-30 + p), random),
      `PO-${2025000 + p}`,
    ]);
  }
  for (let m = 0; m < 76; m++) {
    const p = 1 + Math.floor(random() * PRODUCTS.length);
    const type = pick(["sale", "sale", "sale", "return", "adjustment"] as const);
    const quantity =
      type === "sale"
        ? -(1 + Math.floor(random() * 8))
        : type === "return"
          ? 1 + Math.floor(random() * 2)
          : Math.floor(random() * 7) - 3 || 1;
    movements.push([
      movementId++,
      p,
      type,
      quantity,
      null,
      timestamp(day(m * 2), random),
      type === "sale" ? `SO-${1 + (m % 60)}` : null,
    ]);
  }

  return [
    {
      table: "customer",
      columns: [
        "customer_id",
        "first_name",
        "last_name",
        "company",
        "email",
        "phone",
        "city",
        "country",
        "credit_limit",
        "active",
        "created_at",
      ],
      rows: customers,
    },
    {
      table: "products",
      columns: ["product_id", "sku", "name", "category", "unit_price", "weight_kg", "discontinued", "thumbnail"],
      rows: products,
    },
    {
      table: "orders",
      columns: ["order_id", "customer_id", "order_date", "status", "total_amount", "shipped_at"],
      rows: orders,
    },
    { table: "order_items", columns: ["order_id", "line_no", "product_id", "quantity", "unit_price"], rows: items },
    {
      table: "inventory_movements",
      columns: ["movement_id", "product_id", "movement_type", "quantity", "unit_cost", "moved_at", "reference"],
      rows: movements,
    },
  ];
}

function literal(value: Literal, dialect: DemoDialect): string {
  if (value === null) return "NULL";
  if (typeof value === "boolean") return dialect === "sqlite" ? (value ? "1" : "0") : value ? "true" : "false";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (value instanceof Uint8Array) {
    const hex = Buffer.from(value).toString("hex");
    return dialect === "sqlite" ? `X'${hex}'` : `'\\x${hex}'::bytea`;
  }
  if (typeof value === "object") return `'${value.decimal}'`; // text into TEXT-affinity / numeric columns: exact
  return `'${value.replaceAll("'", "''")}'`;
}

/** INSERT statements (a few rows each) for all demo tables, in dependency order. */
export function demoInsertStatements(dialect: DemoDialect): string[] {
  const statements: string[] = [];
  for (const { table, columns, rows } of demoRows()) {
    for (let i = 0; i < rows.length; i += 20) {
      const values = rows
        .slice(i, i + 20)
        .map((row) => `(${row.map((v) => literal(v, dialect)).join(", ")})`)
        .join(",\n  ");
      statements.push(`INSERT INTO ${table} (${columns.join(", ")}) VALUES\n  ${values}`);
    }
  }
  return statements;
}
