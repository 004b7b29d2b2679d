// The session registry: opens, finds (only for their owner), closes and reaps idle sessions, within the
// configured limits. Closing or expiring a session rolls back its open transaction and returns its connection.
import { randomBytes } from "node:crypto";
import { status } from "@grpc/grpc-js";
import type { SessionsConfig } from "../config/schema.js";
import { ApiError, sessionNotFound } from "../core/api-error.js";
import type { Database } from "../db/database-registry.js";
import type { Logger } from "../observability/logger.js";
import { Session } from "./session.js";

export interface SessionRegistryOptions {
  config: SessionsConfig;
  logger: Logger;
  now?: () => number;
  onExpired?: () => void;
}

export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();
  private readonly perOwner = new Map<string, number>();
  /** Sessions being opened (pool acquire in flight), per owner and database. */
  private readonly reserved = new Map<string, number>();
  private readonly reaper: NodeJS.Timeout;
  private readonly now: () => number;
  private opening = 0;
  private closing = false;

  constructor(private readonly options: SessionRegistryOptions) {
    this.now = options.now ?? Date.now;
    const interval = Math.max(250, Math.min(5000, Math.floor(options.config.idleTimeoutMs / 4)));
    this.reaper = setInterval(() => void this.reapIdle(), interval);
    this.reaper.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  /**
   * Opens a session for owner on database. `admit` (the role's session limit) is called with the owner's sessions
   * on the database, open or still opening, and may throw to refuse; the check and the reservation it guards happen
   * in one synchronous step, so concurrent OpenSession calls cannot all pass a limit of one.
   */
  async open(
    owner: string,
    database: Database,
    admit?: (openOnDatabase: number) => void,
    login?: string,
  ): Promise<Session> {
    if (this.closing) throw new ApiError(status.UNAVAILABLE, "server is shutting down", { reason: "SHUTTING_DOWN" });
    admit?.(this.countFor(owner, database.name));
    const { maxTotal, maxPerCaller } = this.options.config;
    if (this.sessions.size + this.opening >= maxTotal) {
      throw new ApiError(status.RESOURCE_EXHAUSTED, `session limit reached (${maxTotal} open sessions)`, {
        reason: "SESSION_LIMIT",
        metadata: { limit: String(maxTotal), scope: "total" },
        retryDelayMs: 1000,
      });
    }
    const ownerCount = this.perOwner.get(owner) ?? 0;
    if (ownerCount >= maxPerCaller) {
      throw new ApiError(status.RESOURCE_EXHAUSTED, `session limit per caller reached (${maxPerCaller})`, {
        reason: "SESSION_LIMIT",
        metadata: { limit: String(maxPerCaller), scope: "caller" },
      });
    }
    const id = randomBytes(16).toString("hex");
    this.opening++;
    this.perOwner.set(owner, ownerCount + 1);
    const reservation = reservationKey(owner, database.name);
    this.reserved.set(reservation, (this.reserved.get(reservation) ?? 0) + 1);
    try {
      const lease = await database.poolFor(login).acquire({ rpc: "OpenSession", sessionId: id, caller: owner });
      const session = new Session(id, owner, database, lease, this.now);
      this.sessions.set(id, session);
      return session;
    } catch (error) {
      this.decrementOwner(owner);
      throw error;
    } finally {
      this.opening--;
      const left = (this.reserved.get(reservation) ?? 1) - 1;
      if (left <= 0) this.reserved.delete(reservation);
      else this.reserved.set(reservation, left);
    }
  }

  /** Sessions of one owner on one database, open or being opened (role limits). */
  countFor(owner: string, database: string): number {
    let count = this.reserved.get(reservationKey(owner, database)) ?? 0;
    for (const session of this.sessions.values()) {
      if (session.owner === owner && session.database.name === database) count++;
    }
    return count;
  }

  /** The session, if it exists and belongs to owner; NOT_FOUND otherwise (a foreign id looks unknown). */
  get(id: string, owner: string): Session {
    const session = this.sessions.get(id);
    if (!session || session.owner !== owner || session.closed) throw sessionNotFound();
    return session;
  }

  async close(id: string, owner: string): Promise<{ rolledBack: boolean }> {
    const session = this.get(id, owner);
    // Unlisted at once so no new call can start; calls already queued on the session finish first.
    this.sessions.delete(id);
    return session.run(() => this.closeSession(session, "closed"));
  }

  private async closeSession(
    session: Session,
    why: "closed" | "expired" | "shutdown",
  ): Promise<{ rolledBack: boolean }> {
    if (session.closed) return { rolledBack: false };
    session.closed = true;
    this.sessions.delete(session.id);
    this.decrementOwner(session.owner);
    const connection = session.lease.connection;
    let rolledBack = false;
    let destroy = false;
    try {
      if (connection.inTransaction) {
        await connection.rollback();
        rolledBack = true;
      }
      for (const prepared of session.prepared.values()) await connection.closePrepared(prepared);
    } catch (error) {
      // A connection that cannot roll back cleanly must not go back to the pool.
      destroy = true;
      this.options.logger.warn({ sessionId: session.id, err: error }, "session cleanup failed; connection destroyed");
    }
    await session.lease.release({ destroy });
    this.options.logger.info(
      { sessionId: session.id, database: session.database.name, rolledBack, reason: why },
      `session ${why}`,
    );
    return { rolledBack };
  }

  /** Closes sessions idle longer than the idle timeout. Busy sessions are never reaped. */
  async reapIdle(): Promise<number> {
    const cutoff = this.now() - this.options.config.idleTimeoutMs;
    const idle = [...this.sessions.values()].filter((s) => !s.busy && s.lastUsedAt <= cutoff);
    for (const session of idle) {
      this.options.onExpired?.();
      await this.closeSession(session, "expired");
    }
    return idle.length;
  }

  /** On shutdown: refuse new sessions, roll back and close every open one. */
  async closeAll(): Promise<void> {
    this.closing = true;
    clearInterval(this.reaper);
    await Promise.allSettled([...this.sessions.values()].map((s) => this.closeSession(s, "shutdown")));
  }

  private decrementOwner(owner: string): void {
    const count = (this.perOwner.get(owner) ?? 1) - 1;
    if (count <= 0) this.perOwner.delete(owner);
    else this.perOwner.set(owner, count);
  }
}

function reservationKey(owner: string, database: string): string {
  return JSON.stringify([owner, database]);
}
