// Allow-list of statement fingerprints. `record` mode appends every new fingerprint to a JSON-lines file;
// `enforce` mode reads that same file and admits only statements whose fingerprint is on it. A line is
//   {"id":"<16 hex>","fingerprint":"select * from t where id = ?","firstSeen":"<ISO time>","database":"main","class":"read"}
// Fingerprints hold no literal values (they are `?`), so the file is safe to review and commit.
// An entry whose database is "*" admits the statement on every database.
import { appendFile, readFileSync } from "node:fs";
import { promisify } from "node:util";
import type { Logger } from "../observability/logger.js";

const appendFileAsync = promisify(appendFile);

export interface AllowlistEntry {
  id: string;
  fingerprint: string;
  firstSeen: string;
  database: string;
  class: string;
}

export class AllowlistFileError extends Error {
  constructor(file: string, problem: string) {
    super(`allow-list ${file}: ${problem}`);
    this.name = "AllowlistFileError";
  }
}

/** Reads the file; a missing file is an empty list when `missingIsEmpty`. Invalid lines fail loudly. */
export function readAllowlist(
  file: string,
  missingIsEmpty: boolean,
): { entries: AllowlistEntry[]; endsWithNewline: boolean } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" && missingIsEmpty)
      return { entries: [], endsWithNewline: true };
    throw new AllowlistFileError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const entries: AllowlistEntry[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    const entry = parseEntry(line);
    if (!entry) throw new AllowlistFileError(file, `line ${index + 1} is not an allow-list entry`);
    entries.push(entry);
  }
  return { entries, endsWithNewline: text === "" || text.endsWith("\n") };
}

function parseEntry(line: string): AllowlistEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const fields = ["id", "fingerprint", "firstSeen", "database", "class"] as const;
  if (!fields.every((f) => typeof v[f] === "string")) return undefined;
  if (!/^[0-9a-f]{16}$/.test(v.id as string)) return undefined;
  return {
    id: v.id as string,
    fingerprint: v.fingerprint as string,
    firstSeen: v.firstSeen as string,
    database: v.database as string,
    class: v.class as string,
  };
}

const key = (database: string, id: string): string => `${database}\u0000${id}`;

/** Enforce mode: answers whether a fingerprint is allowed on a database. */
export class AllowlistEnforcer {
  private readonly allowed = new Set<string>();

  constructor(entries: readonly AllowlistEntry[]) {
    for (const e of entries) this.allowed.add(key(e.database, e.id));
  }

  static fromFile(file: string): AllowlistEnforcer {
    return new AllowlistEnforcer(readAllowlist(file, false).entries);
  }

  get size(): number {
    return this.allowed.size;
  }

  allows(database: string, id: string): boolean {
    return this.allowed.has(key(database, id)) || this.allowed.has(key("*", id));
  }
}

/**
 * Record mode: appends each fingerprint not yet in the file. The caller never waits for the disk: lines go
 * to a queue drained by one append at a time, in order. A failed append keeps its lines queued and is
 * retried with the next entry and on close, so entries are not lost to a transient error.
 */
export class AllowlistRecorder {
  private readonly seen = new Set<string>();
  private pending: string[] = [];
  private draining: Promise<void> | undefined;
  private needsLeadingNewline: boolean;

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
  ) {
    const { entries, endsWithNewline } = readAllowlist(file, true);
    for (const e of entries) this.seen.add(key(e.database, e.id));
    // A file edited by hand may lack the final newline; never glue a new entry to the last line.
    this.needsLeadingNewline = !endsWithNewline;
  }

  /** Queues the entry when its fingerprint is new on its database; returns whether it was new. */
  record(entry: AllowlistEntry): boolean {
    const k = key(entry.database, entry.id);
    if (this.seen.has(k)) return false;
    this.seen.add(k);
    this.pending.push(`${JSON.stringify(entry)}\n`);
    this.startDraining();
    return true;
  }

  /** Writes everything queued; throws if some entries still cannot be written. */
  async close(): Promise<void> {
    while (this.draining) await this.draining;
    if (this.pending.length > 0) {
      this.startDraining(); // one more attempt for lines a failed append left queued
      while (this.draining) await this.draining;
    }
    if (this.pending.length > 0) {
      throw new AllowlistFileError(this.file, `${this.pending.length} entries could not be written`);
    }
  }

  private startDraining(): void {
    if (this.draining) return;
    // .finally runs after the assignment even if drain() finishes at once.
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      const text = (this.needsLeadingNewline ? "\n" : "") + batch.join("");
      try {
        await appendFileAsync(this.file, text);
        this.needsLeadingNewline = false;
      } catch (error) {
        this.pending = [...batch, ...this.pending];
        this.logger.error(
          { file: this.file, err: error, queued: this.pending.length },
          "allow-list append failed; will retry",
        );
        return;
      }
    }
  }
}
