// Gauges on-call alerts read to tell a cause from a symptom: whether each configured database answers
// (proxy_database_up, set by the readiness loop), when the served TLS certificate expires, and the configured
// session ceiling that proxy_sessions_active is compared against.
import { Gauge, type Registry } from "prom-client";

export class HealthMetrics {
  private readonly databaseUp: Gauge<"database">;
  private readonly certificates = new Map<string, () => number>();
  private sessionLimit = 0;

  constructor(registry: Registry) {
    const registers = [registry];
    this.databaseUp = new Gauge({
      name: "proxy_database_up",
      help: "1 when the database answered its last readiness check (validation query), 0 when it did not.",
      labelNames: ["database"],
      registers,
    });
    const certificates = this.certificates;
    new Gauge({
      name: "proxy_tls_certificate_expiry_timestamp_seconds",
      help: "Expiry (notAfter, Unix seconds) of the TLS certificate the gRPC port serves now; absent without TLS.",
      labelNames: ["certificate"],
      registers,
      collect() {
        this.reset();
        for (const [certificate, expiry] of certificates) this.set({ certificate }, expiry());
      },
    });
    const self = this;
    new Gauge({
      name: "proxy_sessions_limit",
      help: "Configured ceiling of open sessions across all callers (sessions.maxTotal; 0 = no limit).",
      registers,
      collect() {
        this.set(self.sessionLimit);
      },
    });
  }

  /** Every configured database starts down until its first check answers. */
  trackDatabase(database: string): void {
    this.databaseUp.set({ database }, 0);
  }

  databaseChecked(database: string, ok: boolean): void {
    this.databaseUp.set({ database }, ok ? 1 : 0);
  }

  trackCertificate(certificate: string, expiresAtSeconds: () => number): void {
    this.certificates.set(certificate, expiresAtSeconds);
  }

  setSessionLimit(limit: number): void {
    this.sessionLimit = limit;
  }
}
