// Environments are files: infra/environments/NAME.yaml, validated by the schema (schema.ts) before anything is
// synthesized. `cdk synth -c env=NAME` picks one; `-c envFile=PATH` reads a file kept elsewhere (a platform
// team's own repository). Adding an environment is adding a file, not editing TypeScript.
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { z } from "zod";
import { EnvironmentConfig, type EnvironmentConfigInput } from "./schema.js";

export const ENVIRONMENTS_DIR = fileURLToPath(new URL("../../environments/", import.meta.url));

export function readEnvironmentFile(path: string): EnvironmentConfigInput {
  const text = readFileSync(path, "utf8");
  try {
    return parse(text) as EnvironmentConfigInput;
  } catch (error) {
    throw new Error(`${path} is not valid YAML: ${(error as Error).message}`);
  }
}

function readEnvironments(dir: string): Record<string, EnvironmentConfigInput> {
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  return Object.fromEntries(files.map((f) => [basename(f).replace(/\.ya?ml$/, ""), readEnvironmentFile(join(dir, f))]));
}

export const ENVIRONMENTS: Readonly<Record<string, EnvironmentConfigInput>> = readEnvironments(ENVIRONMENTS_DIR);

export interface ConfigOverrides {
  /** An image tag or an image digest ("sha256:..."), as deploy.yml passes it. */
  readonly image?: string;
  readonly account?: string;
  /** An environment file outside infra/environments/. */
  readonly file?: string;
}

export function loadEnvironmentConfig(name: string, overrides: ConfigOverrides = {}): EnvironmentConfig {
  const input = overrides.file ? readEnvironmentFile(overrides.file) : ENVIRONMENTS[name];
  if (!input) {
    throw new Error(
      `unknown environment "${name}"; known: ${Object.keys(ENVIRONMENTS).join(", ")} (files in ${ENVIRONMENTS_DIR})`,
    );
  }
  const fileName = overrides.file ? basename(overrides.file).replace(/\.ya?ml$/, "") : name;
  if (input.name !== fileName) {
    throw new Error(`environment file ${fileName}.yaml names itself "${input.name}": keep file and name the same`);
  }
  return validateEnvironment(input.name, {
    ...input,
    account: overrides.account ?? input.account,
    image: { ...input.image, tag: overrides.image ?? input.image?.tag },
  });
}

/** Validates an environment; an invalid one stops `cdk synth` (and the Terraform synth) with the reasons. */
export function validateEnvironment(name: string, input: EnvironmentConfigInput): EnvironmentConfig {
  const parsed = EnvironmentConfig.safeParse(input);
  if (!parsed.success) {
    throw new Error(`environment "${name}" is invalid:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
