// The Kubernetes option: the same service as manifests on an existing EKS cluster, applied through CDK's
// kubectl provider, with an IRSA role that may read only the proxy's own secrets.
import { CfnJson, Stack, type StackProps } from "aws-cdk-lib";
import type * as aps from "aws-cdk-lib/aws-aps";
import type * as ecr from "aws-cdk-lib/aws-ecr";
import * as eks from "aws-cdk-lib/aws-eks";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/schema.js";
import { grantSecretRead, importSecret, type SecretReference } from "../constructs/secret-reference.js";
import { APP_NAME, buildKubernetesManifests } from "../kubernetes/manifests.js";

export interface EksServiceStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly repository: ecr.IRepository;
  readonly informixCredentials: SecretReference;
  readonly apiKeyHashes: SecretReference;
  readonly tlsMaterial: SecretReference;
  readonly informixHost: string;
  /** The environment's Managed Prometheus workspace, written to by the pods' ADOT sidecar. */
  readonly workspace: aps.CfnWorkspace;
}

export class EksServiceStack extends Stack {
  readonly role: iam.Role;
  readonly manifest: eks.KubernetesManifest;

  constructor(scope: Construct, id: string, props: EksServiceStackProps) {
    super(scope, id, props);
    const { config } = props;
    const eksConfig = config.eks;
    if (!eksConfig) throw new Error("EksServiceStack needs the eks section of the environment");

    const oidcProvider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(
      this,
      "ClusterOidc",
      eksConfig.oidcProviderArn,
    );
    const cluster = eks.Cluster.fromClusterAttributes(this, "Cluster", {
      clusterName: eksConfig.clusterName,
      kubectlRoleArn: eksConfig.kubectlRoleArn,
      kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(this, "KubectlLayer", eksConfig.kubectlLayerArn),
      openIdConnectProvider: oidcProvider,
    });

    // IRSA: only the proxy's service account in its namespace may assume this role.
    const issuer = oidcProvider.openIdConnectProviderIssuer;
    const conditions = new CfnJson(this, "IrsaConditions", {
      value: {
        [`${issuer}:sub`]: `system:serviceaccount:${eksConfig.namespace}:${APP_NAME}`,
        [`${issuer}:aud`]: "sts.amazonaws.com",
      },
    });
    this.role = new iam.Role(this, "ServiceAccountRole", {
      description: `IRSA role of ${APP_NAME} in ${eksConfig.clusterName}/${eksConfig.namespace}`,
      assumedBy: new iam.FederatedPrincipal(
        oidcProvider.openIdConnectProviderArn,
        { StringEquals: conditions },
        "sts:AssumeRoleWithWebIdentity",
      ),
    });
    // The Secrets Store CSI driver reads the secrets with this role: GetSecretValue and the key's Decrypt.
    const informixCredentials = importSecret(this, "InformixCredentials", props.informixCredentials);
    grantSecretRead(this, this.role, informixCredentials, props.informixCredentials);
    const apiKeyHashes = importSecret(this, "ApiKeyHashes", props.apiKeyHashes);
    grantSecretRead(this, this.role, apiKeyHashes, props.apiKeyHashes);
    const tlsMaterial = config.proxy.tls ? importSecret(this, "TlsMaterial", props.tlsMaterial) : undefined;
    if (tlsMaterial) grantSecretRead(this, this.role, tlsMaterial, props.tlsMaterial);

    // The metrics path to Managed Prometheus: the ADOT sidecar signs remote writes with this role.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ["aps:RemoteWrite"], resources: [props.workspace.attrArn] }),
    );

    const tagOrDigest = config.image.tag.startsWith("sha256:") ? `@${config.image.tag}` : `:${config.image.tag}`;
    this.manifest = new eks.KubernetesManifest(this, "Manifests", {
      cluster,
      overwrite: true,
      manifest: buildKubernetesManifests({
        config,
        eks: eksConfig,
        image: `${props.repository.repositoryUri}${tagOrDigest}`,
        informixHost: props.informixHost,
        roleArn: this.role.roleArn,
        informixSecretArn: informixCredentials.secretArn,
        apiKeysSecretArn: apiKeyHashes.secretArn,
        tlsSecretArn: tlsMaterial?.secretArn,
        prometheus: { region: this.region, endpoint: props.workspace.attrPrometheusEndpoint },
      }),
    });
  }
}
