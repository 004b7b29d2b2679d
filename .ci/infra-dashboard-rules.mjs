// Prints the dashboard's queries as Prometheus recording rules so `promtool check rules` can parse them.
// Grafana's variables are replaced by values Prometheus accepts.
import { readFileSync } from "node:fs";

const dashboard = JSON.parse(readFileSync(process.argv[2] ?? "dashboards/informix-grpc-proxy.json", "utf8"));
const rules = dashboard.panels.flatMap((panel, p) =>
  panel.targets.map((target, t) => ({
    record: `dashboard:panel${p}_${t}`,
    expr: target.expr.replaceAll("$__rate_interval", "1m").replaceAll("$instance", ".*"),
  })),
);
console.log(JSON.stringify({ groups: [{ name: "dashboard-queries", rules }] }, null, 2));
