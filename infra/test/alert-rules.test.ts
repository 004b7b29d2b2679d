// Every alert rule carries what on-call needs, and its runbook exists in the repository.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readAlertRuleFiles } from "../src/alert-rules.js";

type Rule = { alert?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
// Alerting rules only: recording rules (record:) carry no severity or runbook.
const rules = readAlertRuleFiles()
  .flatMap((f) => (parse(f.content) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules))
  .filter((r) => r.alert !== undefined);
const RUNBOOK_PREFIX = "https://github.com/informix-grpc-proxy/informix-grpc-proxy/blob/main/";

describe("alert rules", () => {
  it("include the alert set on-call needs (issue 11)", () => {
    expect([...new Set(rules.map((r) => r.alert))].sort()).toEqual([
      "InformixArchiveFailed",
      "ProxyAuditRecordsDropped",
      "ProxyAvailabilityBudgetBurn",
      "ProxyCertificateExpiresSoon",
      "ProxyCircuitOpen",
      "ProxyConnectionLeaks",
      "ProxyDatabaseDown",
      "ProxyDown",
      "ProxyEventLoopLag",
      "ProxyHeapNearLimit",
      "ProxyHighErrorRate",
      "ProxyLatencyBudgetBurn",
      "ProxyPoolAcquireTimeouts",
      "ProxyPoolExhausted",
      "ProxyPoolSaturated",
      "ProxyRateLimitSpike",
      "ProxyRestarting",
      "ProxySessionsNearLimit",
      "ProxySlowStatements",
      "ProxyTraceSpansDropped",
      "Watchdog",
    ]);
  });

  it.each(rules.map((r) => [r.alert, r] as const))("%s has severity, summary and a runbook", (_name, rule) => {
    // critical pages, warning opens a ticket, info and none (the Watchdog) notify no one (alertmanager.yml).
    expect(["critical", "warning", "info", "none"]).toContain(rule.labels?.severity);
    expect(rule.annotations?.summary).toBeTruthy();
    const url = rule.annotations?.runbook_url ?? "";
    expect(url).toBe(`${RUNBOOK_PREFIX}docs/runbooks/${rule.alert}.md`);
    const file = fileURLToPath(new URL(`../../${url.slice(RUNBOOK_PREFIX.length)}`, import.meta.url));
    expect(existsSync(file), file).toBe(true);
  });
});
