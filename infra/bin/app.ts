// CDK entry point: `cdk synth -c env=dev` (a file in infra/environments/, or -c envFile=PATH for one kept
// elsewhere). `-c image=sha256:...` pins the image by
// digest, as deploy.yml does. The cdk-nag AwsSolutions pack validates every stack; errors fail synth.
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { buildEnvironment } from "../src/app-builder.js";
import { loadEnvironmentConfig } from "../src/config/load.js";

const app = new App();
const envFile = app.node.tryGetContext("envFile") as string | undefined;
const envName = String(app.node.tryGetContext("env") ?? (envFile ? "" : "dev"));
const image = app.node.tryGetContext("image") as string | undefined;
if (!image) {
  // Release tags are sha-<commit> and versions; a tag from the environment file may not exist in ECR.
  console.warn(`no -c image=sha256:... given: the ${envName} service uses the environment file's image tag`);
}
buildEnvironment(app, loadEnvironmentConfig(envName, { image, file: envFile }));
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
