// A first deploy starts tasks and pods only if whoever injects the secrets may read them AND decrypt them.
// Evaluated with an IAM policy simulator on the synthesized templates, every ARN resolved as deployed.
import { beforeAll, describe, expect, it } from "vitest";
import { ENVIRONMENTS, loadEnvironmentConfig, validateEnvironment } from "../src/config/load.js";
import { evaluate } from "../src/iam/access.js";
import { type SecretRead, secretReads } from "./support/secret-readers.js";
import { type SynthesizedEnvironment, synthesize, synthesizeConfig, TEST_ACCOUNT } from "./synth.js";

const IMPORTED_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:corp/informix/proxy-Ab12Cd";
const IMPORTED_KEY = "arn:aws:kms:eu-west-1:123456789012:key/0b7c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d";

const environments: Record<string, SynthesizedEnvironment> = {};

beforeAll(() => {
  for (const name of Object.keys(ENVIRONMENTS)) environments[name] = synthesize(name);
  // The case CDK gets wrong: an existing Informix secret encrypted with an existing customer-managed key.
  const prod = ENVIRONMENTS.prod;
  if (!prod) throw new Error("prod environment missing");
  environments["prod (imported secret and key)"] = synthesizeConfig(
    validateEnvironment("prod", {
      ...prod,
      account: TEST_ACCOUNT,
      secrets: { existingInformixSecretArn: IMPORTED_SECRET, existingInformixSecretKeyArn: IMPORTED_KEY },
    }),
  );
  // Keep loadEnvironmentConfig in use: the example environments are what the stacks are built from.
  expect(loadEnvironmentConfig("dev").name).toBe("dev");
});

async function decision(env: SynthesizedEnvironment, read: SecretRead, action: string, resource: string) {
  const region = env.config.region;
  return evaluate(env.resolver(), {
    principalArn: read.roleArn,
    action,
    resource,
    context:
      action === "kms:Decrypt"
        ? {
            "kms:ViaService": `secretsmanager.${region}.amazonaws.com`,
            "kms:EncryptionContext:SecretARN": read.secretArn,
            "kms:CallerAccount": TEST_ACCOUNT,
          }
        : {},
  });
}

describe.each(["dev", "prod", "staging-eks", "prod (imported secret and key)"])(
  "secrets are readable where they are injected (%s)",
  (name) => {
    it("finds the secret readers in the templates", () => {
      const env = environments[name] as SynthesizedEnvironment;
      const reads = secretReads(env.resolver(), IMPORTED_KEY);
      expect(reads.length).toBeGreaterThanOrEqual(3);
      for (const read of reads) expect(read.roleArn, read.secretArn).toMatch(/^arn:aws:iam::\d{12}:role\//);
    });

    it("every role that can read a secret may GetSecretValue on it and decrypt its key", async () => {
      const env = environments[name] as SynthesizedEnvironment;
      const failures: string[] = [];
      for (const read of secretReads(env.resolver(), IMPORTED_KEY)) {
        const get = await decision(env, read, "secretsmanager:GetSecretValue", read.secretArn);
        if (!get.allowed) failures.push(`${read.reader} GetSecretValue ${read.secretArn}: ${get.result}`);
        if (!read.keyArn) continue;
        const decrypt = await decision(env, read, "kms:Decrypt", read.keyArn);
        if (!decrypt.allowed)
          failures.push(`${read.reader} kms:Decrypt ${read.keyArn} (${read.secretArn}): ${decrypt.result}`);
      }
      expect(failures).toEqual([]);
    });

    it("the decryption is allowed through Secrets Manager only", async () => {
      const env = environments[name] as SynthesizedEnvironment;
      const [read] = secretReads(env.resolver(), IMPORTED_KEY).filter((r) => r.keyArn);
      if (!read?.keyArn) throw new Error("no secret with a customer-managed key");
      const direct = await evaluate(env.resolver(), {
        principalArn: read.roleArn,
        action: "kms:Decrypt",
        resource: read.keyArn,
        context: { "kms:ViaService": `s3.${env.config.region}.amazonaws.com` },
      });
      expect(direct.allowed).toBe(false);
    });

    it("no reader may read secrets other than the ones it injects", async () => {
      const env = environments[name] as SynthesizedEnvironment;
      const [read] = secretReads(env.resolver(), IMPORTED_KEY);
      if (!read) throw new Error("no secret reader");
      const other = `arn:aws:secretsmanager:${env.config.region}:${TEST_ACCOUNT}:secret:someone-else-Zz99Yy`;
      expect((await decision(env, read, "secretsmanager:GetSecretValue", other)).allowed).toBe(false);
    });
  },
);
