// The IAM role GitHub Actions assumes through OIDC: only this repository, and only jobs bound to the
// environment's GitHub environment (plus pushes to the deploy branch outside production). It may push to this environment's ECR repository and
// assume the CDK bootstrap roles; nothing else. No long-lived AWS keys exist anywhere.
import { Duration, Stack, type StackProps } from "aws-cdk-lib";
import type * as ecr from "aws-cdk-lib/aws-ecr";
import * as iam from "aws-cdk-lib/aws-iam";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/schema.js";
import { SMOKE_BASTION_TAG_KEY } from "./informix-host-stack.js";

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

export interface GithubOidcStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly repository: ecr.IRepository;
}

export class GithubOidcStack extends Stack {
  readonly role: iam.Role;
  readonly diffRole: iam.Role;

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

    // deploy.yml after cdk deploy: read the Service stack's outputs (the rollback target), forward a port through
    // the environment's SSM-managed host to the internal NLB, and read the smoke test's API key.
    const stackPrefix = `InformixGrpcProxy-${config.name}-`;
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["cloudformation:DescribeStacks"],
        resources: [
          `arn:${this.partition}:cloudformation:${this.region}:${this.account}:stack/${stackPrefix}Service/*`,
        ],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["ssm:StartSession"],
        resources: [`arn:${this.partition}:ec2:${this.region}:${this.account}:instance/*`],
        conditions: { StringEquals: { [`ssm:resourceTag/${SMOKE_BASTION_TAG_KEY}`]: config.name } },
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["ssm:StartSession"],
        resources: [`arn:${this.partition}:ssm:${this.region}::document/AWS-StartPortForwardingSessionToRemoteHost`],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["ssm:TerminateSession", "ssm:ResumeSession"],
        resources: [`arn:${this.partition}:ssm:${this.region}:${this.account}:session/\${aws:userid}-*`],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["secretsmanager:GetSecretValue"],
        resources: [
          `arn:${this.partition}:secretsmanager:${this.region}:${this.account}:secret:informix-grpc-proxy/${config.name}/smoke-api-key-*`,
        ],
      }),
    );

    // cdk diff on pull requests and before an approval: may assume the bootstrap's read-only lookup role only.
    this.diffRole = new iam.Role(this, "DiffRole", {
      roleName: `informix-grpc-proxy-${config.name}-github-diff`,
      description: `cdk diff for ${gh.repository} (pull requests and the deploy workflow's diff job)`,
      maxSessionDuration: Duration.hours(1),
      assumedBy: new iam.WebIdentityPrincipal(providerArn, {
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com",
          [`${GITHUB_OIDC_HOST}:sub`]: [
            `repo:${gh.repository}:pull_request`,
            `repo:${gh.repository}:ref:refs/heads/${gh.branch}`,
          ],
        },
      }),
    });
    this.diffRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ["sts:AssumeRole"],
        resources: [
          `arn:${this.partition}:iam::${this.account}:role/cdk-hnb659fds-lookup-role-${this.account}-${this.region}`,
        ],
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
