// Builds an environment's stacks once per test file: CDK synthesis is the slow part of these tests.
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { buildEnvironment, type EnvironmentStacks } from "../src/app-builder.js";
import { loadEnvironmentConfig } from "../src/config/load.js";
import type { EnvironmentConfig } from "../src/config/schema.js";
import { type CfnTemplate, TemplateResolver } from "../src/iam/template-resolver.js";
import type { RecordedAcknowledgement } from "../src/nag/suppressions.js";

export const TEST_ACCOUNT = "123456789012";

export interface SynthesizedEnvironment {
  readonly app: App;
  readonly config: EnvironmentConfig;
  readonly stacks: EnvironmentStacks;
  readonly nagAcknowledgements: RecordedAcknowledgement[];
  template(stack: keyof EnvironmentStacks): Template;
  /** Every stack's template with its intrinsics resolvable as deployed (cross-stack imports included). */
  resolver(): TemplateResolver;
}

export function synthesize(envName: string): SynthesizedEnvironment {
  return synthesizeConfig(loadEnvironmentConfig(envName, { account: TEST_ACCOUNT }));
}

/** The same for an environment built in the test (a variant of an example environment). */
export function synthesizeConfig(config: EnvironmentConfig): SynthesizedEnvironment {
  const envName = config.name;
  const app = new App();
  const { stacks, nagAcknowledgements } = buildEnvironment(app, config);
  const templates = new Map<string, Template>();
  let resolver: TemplateResolver | undefined;
  const template = (name: keyof EnvironmentStacks): Template => {
    const stack = stacks[name];
    if (!stack) throw new Error(`environment ${envName} has no ${name} stack`);
    let found = templates.get(name);
    if (!found) {
      found = Template.fromStack(stack);
      templates.set(name, found);
    }
    return found;
  };
  return {
    app,
    config,
    stacks,
    nagAcknowledgements,
    template,
    resolver() {
      if (!resolver) {
        const all = new Map<string, CfnTemplate>();
        for (const [name, stack] of Object.entries(stacks)) {
          if (stack) all.set(stack.stackName, template(name as keyof EnvironmentStacks).toJSON() as CfnTemplate);
        }
        resolver = new TemplateResolver(all, { account: TEST_ACCOUNT, region: config.region });
      }
      return resolver;
    },
  };
}
