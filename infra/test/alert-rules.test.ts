// Every alert rule carries what on-call needs, and its runbook exists in the repository.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readAlertRuleFiles } from "../src/alert-rules.js";

type Rule = { alert?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
const rules = readAlertRuleFiles().flatMap((f) =>
  (parse(f.content) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules),
);
const RUNBOOK_PREFIX = "https://github.com/informix-grpc-proxy/informix-grpc-proxy/blob/main/";

describe("alert rules", () => {
  it("include the four first alerts and the circuit breaker's", () => {
    expect(rules.map((r) => r.alert).sort()).toEqual([
      "ProxyDatabaseCircuitOpen",
      "ProxyDown",
      "ProxyHeapNearLimit",
      "ProxyHighErrorRate",
      "ProxyPoolExhausted",
    ]);
  });

  it.each(rules.map((r) => [r.alert, r] as const))(
    "%s has severity, summary, description and a runbook",
    (_name, rule) => {
      expect(["critical", "warning"]).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toBeTruthy();
      expect(rule.annotations?.description).toBeTruthy();
      const url = rule.annotations?.runbook_url ?? "";
      expect(url).toBe(`${RUNBOOK_PREFIX}docs/runbooks/${rule.alert}.md`);
      const file = fileURLToPath(new URL(`../../${url.slice(RUNBOOK_PREFIX.length)}`, import.meta.url));
      expect(existsSync(file), file).toBe(true);
    },
  );
});
