// The configured databases by name: driver, circuit breaker and pool for each, and the default. Built once
// at start-up.
import type { DatabaseConfig } from "../config/schema.js";
import type { Logger } from "../observability/logger.js";
import type { DatabaseCircuit } from "./circuit-breaker.js";
import { CircuitBreakingPool } from "./circuit-breaking-pool.js";
import type { CredentialSource, Driver, DriverName } from "./driver.js";
import { DbError } from "./errors.js";
import type { Pool, PoolObserver } from "./pool-types.js";

export interface Database {
  readonly name: string;
  readonly driver: DriverName;
  readonly config: DatabaseConfig;
  /** Behind the circuit breaker when there is one. */
  readonly pool: Pool;
  readonly circuit: DatabaseCircuit | undefined;
}

export interface DatabaseFactoryDeps {
  logger: Logger;
  credentialsFor(name: string, config: DatabaseConfig): CredentialSource;
  createDriver(
    name: string,
    config: DatabaseConfig,
    deps: { credentials: CredentialSource; logger: Logger },
  ): Promise<Driver>;
  createPool(
    name: string,
    config: DatabaseConfig,
    driver: Driver,
    observer: PoolObserver | undefined,
    circuit: DatabaseCircuit | undefined,
  ): Pool;
  observerFor?(name: string): PoolObserver;
  createCircuit?(name: string, config: DatabaseConfig): DatabaseCircuit | undefined;
}

export class DatabaseRegistry {
  private constructor(
    private readonly databases: Map<string, Database>,
    private readonly defaultName: string,
    private readonly drivers: Driver[],
  ) {}

  static async create(configs: Record<string, DatabaseConfig>, deps: DatabaseFactoryDeps): Promise<DatabaseRegistry> {
    const databases = new Map<string, Database>();
    const drivers: Driver[] = [];
    const names = Object.keys(configs);
    for (const name of names) {
      const config = configs[name] as DatabaseConfig;
      const logger = deps.logger.child({ database: name });
      const driver = await deps.createDriver(name, config, { credentials: deps.credentialsFor(name, config), logger });
      drivers.push(driver);
      const circuit = deps.createCircuit?.(name, config);
      const inner = deps.createPool(name, config, driver, deps.observerFor?.(name), circuit);
      const pool = circuit ? new CircuitBreakingPool(inner, circuit) : inner;
      databases.set(name, { name, driver: driver.name, config, pool, circuit });
    }
    // With one database it is the default; otherwise the one marked default (validated by the schema).
    const defaultName = names.find((n) => configs[n]?.default) ?? names[0];
    if (defaultName === undefined) throw new DbError("internal", "no database configured");
    return new DatabaseRegistry(databases, defaultName, drivers);
  }

  /** Empty name means the default database; undefined when not configured. */
  find(name: string): Database | undefined {
    return this.databases.get(name === "" ? this.defaultName : name);
  }

  get defaultDatabase(): string {
    return this.defaultName;
  }

  all(): Database[] {
    return [...this.databases.values()];
  }

  async close(timeoutMs: number): Promise<void> {
    await Promise.allSettled(this.all().map((db) => db.pool.close(timeoutMs)));
    await Promise.allSettled(this.drivers.map((driver) => driver.close()));
  }
}
