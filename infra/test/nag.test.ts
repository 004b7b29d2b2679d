// The cdk-nag AwsSolutions pack over every environment: no unacknowledged finding may remain.
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../src/config/load.js";
import { synthesize } from "./synth.js";

describe.each(Object.keys(ENVIRONMENTS))("cdk-nag AwsSolutions on %s", (envName) => {
  it("reports no unacknowledged finding", () => {
    const { app, nagAcknowledgements: made } = synthesize(envName);
    app.synth();
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const findings = report.violations.flatMap((v) =>
      v.violatingResources.map((r) => `${v.severity} ${v.ruleName} ${(r as { constructPath?: string }).constructPath}`),
    );
    console.log(
      `cdk-nag ${envName}: ${findings.length} unacknowledged, ${made.length} acknowledged (${[...new Set(made.map((a) => a.id.replace(/\[.*$/, "")))].join(", ")})`,
    );
    expect(findings).toEqual([]);
    for (const ack of made) expect(ack.reason.length, ack.id).toBeGreaterThan(40);
  });
});
