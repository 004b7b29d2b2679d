// Synthesizes the Terraform variant (plain Terraform JSON) for every Fargate environment:
//   npx tsx cdktf/main.ts [--out cdktf.out] [--env prod]
// Then: cd cdktf.out/stacks/informix-grpc-proxy-prod && terraform init && terraform plan
// HashiCorp deprecated CDK for Terraform in December 2025; the output is ordinary Terraform JSON and
// keeps working with Terraform and OpenTofu. The CDK app (bin/app.ts) is the primary path.
import { parseArgs } from "node:util";
import { App } from "cdktf";
import { ENVIRONMENTS, loadEnvironmentConfig } from "../src/config/load.js";
import { ProxyTerraformStack } from "./proxy-stack.js";

const { values } = parseArgs({
  options: { out: { type: "string", default: "cdktf.out" }, env: { type: "string", multiple: true } },
});
const names = values.env ?? Object.keys(ENVIRONMENTS);
const app = new App({ outdir: values.out, skipValidation: false });
for (const name of names) {
  const config = loadEnvironmentConfig(name);
  // The Terraform variant covers the Fargate platform; the EKS option is CDK- or kubectl-only.
  if (config.platform !== "fargate") continue;
  new ProxyTerraformStack(app, `informix-grpc-proxy-${config.name}`, config);
}
app.synth();
console.error(`synthesized Terraform JSON into ${values.out}/stacks/`);
