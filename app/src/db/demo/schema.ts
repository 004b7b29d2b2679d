// The demo schema, modelled on the earlier Java proxy's testdb: customers, products, orders, their
// items and inventory movements. One definition per dialect, same tables and columns.
export type DemoDialect = "sqlite" | "postgres";

export const DEMO_TABLES = ["customer", "products", "orders", "order_items", "inventory_movements"] as const;

// SQLite: exact decimals are declared DECIMAL_TEXT(p,s). A column declared plain DECIMAL gets NUMERIC
// affinity, and SQLite then stores long decimal text such as '1234567890123456789012.01' as a lossy
// REAL. DECIMAL_TEXT contains "TEXT", so the column gets TEXT affinity and keeps the digits exactly,
// while the driver still reports it as a decimal column because the name says DECIMAL.
const SQLITE_SCHEMA = `
CREATE TABLE customer (
  customer_id   INTEGER PRIMARY KEY,
  first_name    TEXT NOT NULL,
  last_name     TEXT NOT NULL,
  company       TEXT,
  email         TEXT NOT NULL UNIQUE,
  phone         TEXT,
  city          TEXT NOT NULL,
  country       TEXT NOT NULL,
  credit_limit  DECIMAL_TEXT(12,2) NOT NULL,
  active        BOOLEAN NOT NULL DEFAULT 1,
  created_at    TIMESTAMP NOT NULL
);
CREATE TABLE products (
  product_id    INTEGER PRIMARY KEY,
  sku           VARCHAR(20) NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  category      TEXT NOT NULL,
  unit_price    DECIMAL_TEXT(12,2) NOT NULL,
  weight_kg     DECIMAL_TEXT(8,3),
  discontinued  BOOLEAN NOT NULL DEFAULT 0,
  thumbnail     BLOB
);
CREATE TABLE orders (
  order_id      INTEGER PRIMARY KEY,
  customer_id   INTEGER NOT NULL REFERENCES customer(customer_id),
  order_date    DATE NOT NULL,
  status        VARCHAR(12) NOT NULL CHECK (status IN ('new','paid','shipped','delivered','cancelled')),
  total_amount  DECIMAL_TEXT(14,2) NOT NULL,
  shipped_at    TIMESTAMP
);
CREATE INDEX orders_customer_idx ON orders(customer_id);
CREATE INDEX orders_date_idx ON orders(order_date);
CREATE TABLE order_items (
  order_id      INTEGER NOT NULL REFERENCES orders(order_id),
  line_no       INTEGER NOT NULL,
  product_id    INTEGER NOT NULL REFERENCES products(product_id),
  quantity      INTEGER NOT NULL CHECK (quantity > 0),
  unit_price    DECIMAL_TEXT(12,2) NOT NULL,
  PRIMARY KEY (order_id, line_no)
);
CREATE TABLE inventory_movements (
  movement_id   INTEGER PRIMARY KEY,
  product_id    INTEGER NOT NULL REFERENCES products(product_id),
  movement_type VARCHAR(10) NOT NULL CHECK (movement_type IN ('receipt','sale','adjustment','return')),
  quantity      INTEGER NOT NULL,
  unit_cost     DECIMAL_TEXT(18,6),
  moved_at      TIMESTAMP NOT NULL,
  reference     TEXT
);
CREATE INDEX inventory_product_idx ON inventory_movements(product_id, moved_at);
`;

const POSTGRES_SCHEMA = `
CREATE TABLE customer (
  customer_id   bigint PRIMARY KEY,
  first_name    varchar(40) NOT NULL,
  last_name     varchar(40) NOT NULL,
  company       varchar(80),
  email         varchar(120) NOT NULL UNIQUE,
  phone         varchar(24),
  city          varchar(60) NOT NULL,
  country       varchar(60) NOT NULL,
  credit_limit  numeric(12,2) NOT NULL,
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamp(6) NOT NULL
);
CREATE TABLE products (
  product_id    bigint PRIMARY KEY,
  sku           varchar(20) NOT NULL UNIQUE,
  name          varchar(120) NOT NULL,
  category      varchar(40) NOT NULL,
  unit_price    numeric(12,2) NOT NULL,
  weight_kg     numeric(8,3),
  discontinued  boolean NOT NULL DEFAULT false,
  thumbnail     bytea
);
CREATE TABLE orders (
  order_id      bigint PRIMARY KEY,
  customer_id   bigint NOT NULL REFERENCES customer(customer_id),
  order_date    date NOT NULL,
  status        varchar(12) NOT NULL CHECK (status IN ('new','paid','shipped','delivered','cancelled')),
  total_amount  numeric(14,2) NOT NULL,
  shipped_at    timestamp(6)
);
CREATE INDEX orders_customer_idx ON orders(customer_id);
CREATE INDEX orders_date_idx ON orders(order_date);
CREATE TABLE order_items (
  order_id      bigint NOT NULL REFERENCES orders(order_id),
  line_no       integer NOT NULL,
  product_id    bigint NOT NULL REFERENCES products(product_id),
  quantity      integer NOT NULL CHECK (quantity > 0),
  unit_price    numeric(12,2) NOT NULL,
  PRIMARY KEY (order_id, line_no)
);
CREATE TABLE inventory_movements (
  movement_id   bigint PRIMARY KEY,
  product_id    bigint NOT NULL REFERENCES products(product_id),
  movement_type varchar(10) NOT NULL CHECK (movement_type IN ('receipt','sale','adjustment','return')),
  quantity      integer NOT NULL,
  unit_cost     numeric(18,6),
  moved_at      timestamp(6) NOT NULL,
  reference     varchar(60)
);
CREATE INDEX inventory_product_idx ON inventory_movements(product_id, moved_at);
`;

/** DDL statements, one per entry, in dependency order. */
export function demoSchemaStatements(dialect: DemoDialect): string[] {
  const ddl = dialect === "sqlite" ? SQLITE_SCHEMA : POSTGRES_SCHEMA;
  return ddl
    .split(";")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
