// Selects an environment by name (cdk -c env=NAME) and validates it; context overrides for the image.
import { z } from "zod";
import { dev } from "./environments/dev.js";
import { prod } from "./environments/prod.js";
import { stagingEks } from "./environments/staging-eks.js";
import { EnvironmentConfig, type EnvironmentConfigInput } from "./schema.js";

export const ENVIRONMENTS: Readonly<Record<string, EnvironmentConfigInput>> = {
  dev,
  prod,
  "staging-eks": stagingEks,
};

export interface ConfigOverrides {
  /** An image tag or an image digest ("sha256:..."), as deploy.yml passes it. */
  readonly image?: string;
  readonly account?: string;
}

export function loadEnvironmentConfig(name: string, overrides: ConfigOverrides = {}): EnvironmentConfig {
  const input = ENVIRONMENTS[name];
  if (!input) {
    throw new Error(`unknown environment "${name}"; known: ${Object.keys(ENVIRONMENTS).join(", ")}`);
  }
  return validateEnvironment(name, {
    ...input,
    account: overrides.account ?? input.account,
    image: { ...input.image, tag: overrides.image ?? input.image.tag },
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
