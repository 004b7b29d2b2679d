// The IAM role GitHub Actions assumes through OIDC: only this repository, and only jobs bound to the
// environment's GitHub environment (plus pushes to the deploy branch outside production). It may push to this environment's ECR repository and
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
      description: `GitHub Actions of ${gh.repository} (environment ${config.name})`,
      maxSessionDuration: Duration.hours(1),
      assumedBy: new iam.WebIdentityPrincipal(providerArn, {
        // Several values under one key match any of them; both keys must match.
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com",
          [`${GITHUB_OIDC_HOST}:sub`]: githubSubjects(gh.repository, gh.branch, config.name, config.production),
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

/**
 * The OIDC `sub` claims accepted. A job bound to a GitHub environment gets `environment:NAME` as its subject,
 * and only after that environment's protection rules (prod: required reviewers) pass. A plain push to the
 * branch gets `ref:refs/heads/BRANCH`, with no approval at all: accepting it for production would let any
 * workflow on main deploy to prod without the approval, so production trusts the environment only.
 */
export function githubSubjects(repository: string, branch: string, environment: string, production: boolean): string[] {
  const bound = `repo:${repository}:environment:${environment}`;
  return production ? [bound] : [`repo:${repository}:ref:refs/heads/${branch}`, bound];
}
