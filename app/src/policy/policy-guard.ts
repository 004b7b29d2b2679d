// The statement guard of the proxy: classification, query policy, role authorization and the allow-list,
// in that order, before every statement and every new session (see statement-guard.ts for the hook).
//   1. The statement arrives parsed once by the database's dialect (ParsedStatement); every class each statement
//      needs is checked, not only its main one. A check without one is parsed here (tools, tests).
//   2. The policy (config.policy) applies to every caller, authenticated or not.
//   3. Roles (config.roles) apply to authenticated callers; a peer identity has no roles to check.
//   4. The allow-list records or enforces fingerprints of the statements that passed 1-3.
// The decision carries the caller's grant classes (permits) for drivers that make the database enforce them.

import type { ProxyConfig } from "../config/schema.js";
import type { StatementClass as GrantClass } from "../config/security-schema.js";
import { type ApiError, invalidArgument } from "../core/api-error.js";
import type { Identity } from "../core/identity.js";
import type { ClassifiedStatement, ParsedStatement, SqlDialect } from "../core/parsed-statement.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import { InformixSqlRefused } from "../sql/informix/refusal.js";
import { tokenDialect } from "../sql/token-dialect.js";
import { SqlSyntaxError } from "../sql/tokenizer.js";
import { AllowlistEnforcer, AllowlistRecorder } from "./allowlist.js";
import { type DenialCounter, denialCounter, NO_DENIAL_COUNTER } from "./denial-metrics.js";
import {
  ambiguousStatement,
  noDatabaseGrant,
  permissionDenied,
  REASON,
  type RefusalSubject,
  sessionLimit,
} from "./policy-errors.js";
import { type DatabaseGrant, grantClassOf, RoleGrants } from "./role-grants.js";
import type { StatementCheck, StatementDecision, StatementGuard } from "./statement-guard.js";
import { policyRefusal } from "./statement-policy.js";

const ALL_GRANT_CLASSES: readonly GrantClass[] = ["read", "write", "ddl", "procedure", "admin"];
/** SQL built at run time (DO, EXECUTE IMMEDIATE) can do anything: it needs every class a grant can hold. */
const DYNAMIC_SQL_NEEDS: readonly GrantClass[] = ["procedure", "write", "ddl", "admin"];

/** The grant classes a statement needs, each with the dialect's reason, in the order they are checked. */
export function requiredGrants(statement: ClassifiedStatement): { grantClass: GrantClass; cause: string }[] {
  const needed = new Map<GrantClass, string>();
  for (const effect of statement.effects) {
    const grantClass = grantClassOf(effect.statementClass);
    if (!needed.has(grantClass)) needed.set(grantClass, effect.cause);
  }
  if (statement.dynamicSql) {
    for (const grantClass of DYNAMIC_SQL_NEEDS) {
      if (!needed.has(grantClass)) needed.set(grantClass, `${statement.firstKeyword} runs SQL the guard cannot see`);
    }
  }
  return [...needed].map(([grantClass, cause]) => ({ grantClass, cause }));
}

/** For checks without a database dialect (tools, tests): the project's generic tokenizer, as before dialects. */
const GENERIC_DIALECT = tokenDialect("informix");

export interface PolicyGuardOptions {
  config: Pick<ProxyConfig, "auth" | "roles" | "policy">;
  logger: Logger;
  metrics?: Metrics;
  /**
   * The dialect for a check that carries no parsed statement (tools and tests; the service always passes one).
   * Default: the tokenizer dialect.
   */
  dialectFor?: (database: string) => SqlDialect;
}

export interface PolicyGuard extends StatementGuard {
  /** Flushes the allow-list recorder; call on shutdown. */
  close(): Promise<void>;
}

/** Throws AllowlistFileError when enforce mode cannot read its file: refusing to start beats admitting all. */
export function createStatementGuard(options: PolicyGuardOptions): PolicyGuard {
  const { config } = options;
  const logger = options.logger.child({ component: "policy" });
  const denials: DenialCounter = options.metrics ? denialCounter(options.metrics) : NO_DENIAL_COUNTER;
  const grants = new RoleGrants(config.roles);
  const allowlist = config.policy.allowlist;
  const recorder =
    allowlist.mode === "record" && allowlist.file ? new AllowlistRecorder(allowlist.file, logger) : undefined;
  const enforcer =
    allowlist.mode === "enforce" && allowlist.file ? AllowlistEnforcer.fromFile(allowlist.file) : undefined;
  if (enforcer) logger.info({ file: allowlist.file, entries: enforcer.size }, "allow-list enforced");
  if (recorder) logger.info({ file: allowlist.file }, "allow-list recording");

  /** Roles apply to every authenticated caller; with auth configured a peer identity has none (fail closed). */
  const authorizationApplies = (identity: Identity): boolean => identity.method !== "peer" || config.auth !== undefined;

  const deny = (error: ApiError, database: string, identity: Identity): never => {
    denials.denied(database, error.reason);
    logger.info({ identity: identity.id, database, reason: error.reason, ...error.metadata }, "statement refused");
    throw error;
  };

  const requireGrant = (identity: Identity, database: string, subject?: RefusalSubject): DatabaseGrant => {
    const grant = grants.grantFor(identity.roles, database);
    return grant ?? deny(noDatabaseGrant(database, subject), database, identity);
  };

  const authorize = (
    identity: Identity,
    statements: readonly ClassifiedStatement[],
    subject: RefusalSubject,
  ): DatabaseGrant => {
    const grant = requireGrant(identity, subject.database, subject);
    for (const statement of statements) {
      for (const { grantClass, cause } of requiredGrants(statement)) {
        if (grant.classes.has(grantClass)) continue;
        const where = `on database "${subject.database}" (roles.<role>.databases.${subject.database}.allow)`;
        const message =
          statement.selectIntoTemp && grantClass === "write"
            ? `SELECT ... INTO TEMP creates a table and needs the write class, which no role of this caller grants ${where}`
            : `${cause}: the ${grantClass} class is not granted to this caller ${where}`;
        deny(
          permissionDenied(REASON.roleDenied, message, { ...subject, statementClass: statement.statementClass }),
          subject.database,
          identity,
        );
      }
    }
    return grant;
  };

  /** What the caller may run on the database: its grant (or everything, for a peer without auth) less what the policy refuses. */
  const permitsOf = (grant: DatabaseGrant | undefined): ReadonlySet<GrantClass> => {
    const permits = new Set(grant ? grant.classes : ALL_GRANT_CLASSES);
    if (!config.policy.allowDdl) permits.delete("ddl");
    return permits;
  };

  const parse = (check: StatementCheck): ParsedStatement => {
    if (check.statement) return check.statement;
    try {
      return (options.dialectFor?.(check.database) ?? GENERIC_DIALECT).parse(check.sql);
    } catch (error) {
      if (error instanceof InformixSqlRefused && error.verdict === "ambiguous") {
        deny(ambiguousStatement(check.database, error.rule, error.message), check.database, check.identity);
      }
      if (error instanceof SqlSyntaxError) throw invalidArgument("sql", error.message);
      throw error;
    }
  };

  return {
    async checkStatement(check: StatementCheck): Promise<StatementDecision> {
      const { identity, database } = check;
      const parsed = parse(check);
      const { statements, statementClass, fingerprintId } = parsed;
      const fingerprintText = parsed.fingerprint;
      const subject: RefusalSubject = { statementClass, database, fingerprintId };

      const refusal = policyRefusal(statements, config.policy, statementClass);
      if (refusal) {
        deny(
          permissionDenied(refusal.reason, refusal.message, { ...subject, statementClass: refusal.statementClass }),
          database,
          identity,
        );
      }
      const grant = authorizationApplies(identity) ? authorize(identity, statements, subject) : undefined;

      if (enforcer && !enforcer.allows(database, fingerprintId)) {
        deny(
          permissionDenied(
            REASON.notAllowlisted,
            `statement ${fingerprintId} is not on the allow-list (policy.allowlist.file); record it in record mode to allow it`,
            subject,
            { fingerprint: fingerprintText },
          ),
          database,
          identity,
        );
      }
      recorder?.record({
        id: fingerprintId,
        fingerprint: fingerprintText,
        firstSeen: new Date().toISOString(),
        database,
        class: statementClass,
      });
      return { statementClass, fingerprint: fingerprintText, fingerprintId, permits: permitsOf(grant) };
    },

    checkSession(identity: Identity, database: string, openSessions: number): void {
      if (!authorizationApplies(identity)) return; // sessions.maxPerCaller still limits peers
      const grant = requireGrant(identity, database);
      if (grant.maxSessions !== undefined && openSessions >= grant.maxSessions) {
        deny(sessionLimit(database, grant.maxSessions), database, identity);
      }
    },

    async close(): Promise<void> {
      await recorder?.close();
    },
  };
}
