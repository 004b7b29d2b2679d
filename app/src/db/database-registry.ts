// The configured databases by name: driver, circuit breaker and pools for each, and the default. Built once
// at start-up. One circuit per database serves all of its pools (its own and the role logins'): whether
// the database answers does not depend on who logs in.
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
  /** The pool on the database's own credentials (behind the circuit breaker when there is one, as all are). */
  readonly pool: Pool;
  readonly circuit: DatabaseCircuit | undefined;
  /** The pool of a role's login (least privilege), by login key; the database's own pool for undefined. */
  poolFor(login: string | undefined): Pool;
  /** Pools of role logins, by label (metrics, logs). */
  readonly loginPools: ReadonlyMap<string, Pool>;
}

/** A role's own login on one database: its pool connects with these credentials instead of the database's. */
export interface LoginSpec {
  key: string;
  label: string;
  config: DatabaseConfig;
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
  /** Role logins per database name (policy/role-logins.ts), each with a pool of its own. */
  loginsFor?(name: string): readonly LoginSpec[];
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
      const guarded = (inner: Pool): Pool => (circuit ? new CircuitBreakingPool(inner, circuit) : inner);
      const pool = guarded(deps.createPool(name, config, driver, deps.observerFor?.(name), circuit));
      const byKey = new Map<string, Pool>();
      const byLabel = new Map<string, Pool>();
      for (const login of deps.loginsFor?.(name) ?? []) {
        const loginLogger = logger.child({ login: login.label });
        const loginDriver = await deps.createDriver(name, login.config, {
          credentials: deps.credentialsFor(name, login.config),
          logger: loginLogger,
        });
        drivers.push(loginDriver);
        const loginPool = guarded(
          deps.createPool(name, login.config, loginDriver, deps.observerFor?.(`${name}@${login.label}`), circuit),
        );
        byKey.set(login.key, loginPool);
        byLabel.set(login.label, loginPool);
      }
      databases.set(name, {
        name,
        driver: driver.name,
        config,
        pool,
        circuit,
        loginPools: byLabel,
        // An unknown key cannot come from the router; the database's own pool would be a silent escalation.
        poolFor: (login) => (login === undefined ? pool : (byKey.get(login) ?? unknownLogin(name))),
      });
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
    await Promise.allSettled(
      this.all().flatMap((db) => [db.pool, ...db.loginPools.values()].map((pool) => pool.close(timeoutMs))),
    );
    await Promise.allSettled(this.drivers.map((driver) => driver.close()));
  }
}

function unknownLogin(database: string): never {
  throw new DbError("internal", `database "${database}": no pool for the caller's login`);
}
