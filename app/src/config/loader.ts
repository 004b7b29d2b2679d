// Loads the effective configuration: YAML file (argument or PROXY_CONFIG) or the embedded demo, then
// PROXY__ environment overrides, then the zod schema, then the bind-safety rule.
import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { assertSafeBind } from "./bind-safety.js";
import { ConfigError, type ConfigIssue } from "./config-error.js";
import { DEFAULT_DATA_DIR, embeddedDemoInput } from "./defaults.js";
import { type AppliedOverride, applyEnvOverrides, CONFIG_FILE_VARIABLE } from "./env-overrides.js";
import { ProxyConfig } from "./schema.js";
import { parseYamlSource, type YamlSource } from "./yaml-source.js";
import { toConfigIssues } from "./zod-issues.js";

export { assertSafeBind, isLoopbackHost } from "./bind-safety.js";
export { ConfigError, type ConfigIssue } from "./config-error.js";

export interface LoadConfigOptions {
  /** Config file; falls back to PROXY_CONFIG, then to the embedded demo. Relative to cwd. */
  file?: string;
  env: Record<string, string | undefined>;
  /** Resolves the file and the demo's data directory; defaults to process.cwd(). */
  cwd?: string;
}

export interface LoadedConfig {
  config: ProxyConfig;
  /** Where it came from, for check-config and the startup log: a file path or the embedded demo. */
  source: string;
}

export const EMBEDDED_DEMO_SOURCE = "embedded demo (no config file)";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An empty YAML value (`server:` with everything below commented out) means "not set": defaults apply. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, inner]) => inner !== null)
      .map(([key, inner]) => [key, withoutNulls(inner)]),
  );
}

async function readConfigFile(path: string): Promise<YamlSource> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    throw new ConfigError(path, [{ path: "", message: `cannot read the configuration file (${code})` }]);
  }
  const { source, issues } = parseYamlSource(text);
  if (!source) throw new ConfigError(path, issues);
  if (!isPlainObject(source.data)) {
    const found = source.data === null || source.data === undefined ? "an empty document" : typeof source.data;
    throw new ConfigError(path, [
      { path: "", message: `expected a mapping with at least a databases section, found ${found}` },
    ]);
  }
  return source;
}

function originOf(
  path: string,
  overrides: AppliedOverride[],
  file: { name: string; yaml: YamlSource } | undefined,
  rawPath: readonly PropertyKey[],
) {
  const override = overrides.find((o) => path === o.path || path.startsWith(`${o.path}.`));
  if (override) return `set by ${override.variable}`;
  const line = file?.yaml.lineOf(rawPath);
  return line !== undefined && file ? `${file.name} line ${line}` : undefined;
}

export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const fileName = options.file || options.env[CONFIG_FILE_VARIABLE] || undefined;
  let raw: Record<string, unknown>;
  let source: string;
  let file: { name: string; yaml: YamlSource } | undefined;
  if (fileName) {
    source = resolve(cwd, fileName);
    const yaml = await readConfigFile(source);
    file = { name: basename(source), yaml };
    raw = withoutNulls(yaml.data) as Record<string, unknown>;
  } else {
    source = EMBEDDED_DEMO_SOURCE;
    raw = embeddedDemoInput(resolve(cwd, DEFAULT_DATA_DIR));
  }

  const { data, applied } = applyEnvOverrides(ProxyConfig, raw, options.env);
  if (applied.length) source += ` with ${applied.map((o) => o.variable).join(", ")}`;

  const parsed = ProxyConfig.safeParse(data);
  if (!parsed.success) {
    const issues: ConfigIssue[] = [];
    for (const zodIssue of parsed.error.issues) {
      for (const issue of toConfigIssues(ProxyConfig, data, [zodIssue])) {
        const rawPath = issue.path === "" ? [] : issue.path.split(".");
        issues.push({ ...issue, origin: originOf(issue.path, applied, file, rawPath) });
      }
    }
    throw new ConfigError(source, issues);
  }
  assertSafeBind(parsed.data, source);
  return { config: parsed.data, source };
}

/** Validates data already in memory (tests, other tools) with the same messages as loadConfig. */
export function parseConfig(data: unknown, source = "the configuration"): ProxyConfig {
  const parsed = ProxyConfig.safeParse(data);
  if (!parsed.success) throw new ConfigError(source, toConfigIssues(ProxyConfig, data, parsed.error.issues));
  return parsed.data;
}
