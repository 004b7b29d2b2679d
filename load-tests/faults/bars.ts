// The figures each scenario prints beside its bar (issue 10's Bars), and the pass/fail of the run.
export interface Figure {
  name: string;
  value: number | string;
  unit?: string;
  /** The bar as text, e.g. "= 0", "<= 50 ms"; absent for figures shown for information. */
  bar?: string;
  pass?: boolean;
  /** A bar this branch knowingly does not meet yet (named owner), shown but not failing the run. */
  expectedToFail?: string;
}

export interface ScenarioReport {
  scenario: string;
  figures: Figure[];
  notes: string[];
  seconds: number;
}

export const atMost = (name: string, value: number, limit: number, unit = ""): Figure => ({
  name,
  value: round(value),
  unit,
  bar: `<= ${limit}${unit ? ` ${unit}` : ""}`,
  pass: Number.isFinite(value) && value <= limit,
});

export const atLeast = (name: string, value: number, limit: number, unit = ""): Figure => ({
  name,
  value: round(value),
  unit,
  bar: `>= ${limit}${unit ? ` ${unit}` : ""}`,
  pass: Number.isFinite(value) && value >= limit,
});

export const zero = (name: string, value: number): Figure => ({ name, value, bar: "= 0", pass: value === 0 });

export const info = (name: string, value: number | string, unit = ""): Figure => ({
  name,
  value: typeof value === "number" ? round(value) : value,
  unit,
});

function round(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 10) / 10 : value;
}

export function failed(report: ScenarioReport): Figure[] {
  return report.figures.filter((f) => f.pass === false && !f.expectedToFail);
}

export function formatReport(report: ScenarioReport): string {
  const lines = [`\n== ${report.scenario} (${report.seconds.toFixed(1)} s)`];
  const width = Math.max(...report.figures.map((f) => f.name.length), 10);
  for (const f of report.figures) {
    const value = `${f.value}${f.unit ? ` ${f.unit}` : ""}`;
    const verdict =
      f.pass === undefined ? "" : f.pass ? "PASS" : f.expectedToFail ? `FAIL (expected: ${f.expectedToFail})` : "FAIL";
    lines.push(`  ${f.name.padEnd(width)}  ${value.padStart(14)}   ${(f.bar ?? "").padEnd(12)} ${verdict}`.trimEnd());
  }
  for (const note of report.notes) lines.push(`  note: ${note}`);
  return lines.join("\n");
}
