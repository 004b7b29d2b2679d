// Builds an environment's stacks once per test file: CDK synthesis is the slow part of these tests.
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { buildEnvironment, type EnvironmentStacks } from "../src/app-builder.js";
import { loadEnvironmentConfig } from "../src/config/load.js";
import type { EnvironmentConfig } from "../src/config/schema.js";
import type { RecordedAcknowledgement } from "../src/nag/suppressions.js";

export const TEST_ACCOUNT = "123456789012";

export interface SynthesizedEnvironment {
  readonly app: App;
  readonly config: EnvironmentConfig;
  readonly stacks: EnvironmentStacks;
  readonly nagAcknowledgements: RecordedAcknowledgement[];
  template(stack: keyof EnvironmentStacks): Template;
}

export function synthesize(envName: string): SynthesizedEnvironment {
  const app = new App();
  const config = loadEnvironmentConfig(envName, { account: TEST_ACCOUNT });
  const { stacks, nagAcknowledgements } = buildEnvironment(app, config);
  const templates = new Map<string, Template>();
  return {
    app,
    config,
    stacks,
    nagAcknowledgements,
    template(name) {
      const stack = stacks[name];
      if (!stack) throw new Error(`environment ${envName} has no ${name} stack`);
      let template = templates.get(name);
      if (!template) {
        template = Template.fromStack(stack);
        templates.set(name, template);
      }
      return template;
    },
  };
}
