// The IAM role GitHub Actions assumes through OIDC: only this repository, only its deploy branch or the
// environment's protected GitHub environment. It may push to this environment's ECR repository and
// assume the CDK bootstrap roles; nothing else. No long-lived AWS keys exist anywhere.
import { Duration, Stack, type StackProps } from "aws-cdk-lib";
import type * as ecr from "aws-cdk-lib/aws-ecr";
import * as iam from "aws-cdk-lib/aws-iam";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/schema.js";

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

export interface GithubOidcStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly repository: ecr.IRepository;
}

export class GithubOidcStack extends Stack {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: GithubOidcStackProps) {
    super(scope, id, props);
    const { config } = props;
    const gh = config.github;

    const providerArn =
      gh.existingOidcProviderArn ??
      new iam.OidcProviderNative(this, "GithubProvider", {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIds: ["sts.amazonaws.com"],
      }).oidcProviderArn;

    this.role = new iam.Role(this, "DeployRole", {
      roleName: `informix-grpc-proxy-${config.name}-github`,
      description: `GitHub Actions of ${gh.repository} (${gh.branch} and environment ${config.name})`,
      maxSessionDuration: Duration.hours(1),
      assumedBy: new iam.WebIdentityPrincipal(providerArn, {
        // Several values under one key match any of them; both keys must match.
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com",
          [`${GITHUB_OIDC_HOST}:sub`]: githubSubjects(gh.repository, gh.branch, config.name),
        },
      }),
    });

    props.repository.grantPullPush(this.role);
    // cdk deploy works through the bootstrap roles, which carry the real permissions.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["sts:AssumeRole"],
        resources: [`arn:${this.partition}:iam::${this.account}:role/cdk-hnb659fds-*-${this.account}-${this.region}`],
      }),
    );
  }
}

/** The OIDC `sub` claims accepted: pushes to the branch, and jobs bound to the GitHub environment. */
export function githubSubjects(repository: string, branch: string, environment: string): string[] {
  return [`repo:${repository}:ref:refs/heads/${branch}`, `repo:${repository}:environment:${environment}`];
}
