// Where the proxy runs: the VPC, subnets and Informix host (literal when the environment names existing ones,
// Terraform inputs otherwise), and the security groups of the NLB and the tasks.
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule/index.js";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule/index.js";
import { type TerraformStack, TerraformVariable } from "cdktf";
import type { EnvironmentConfig } from "../src/config/schema.js";
import { GRPC_PORT, HTTP_PORT } from "../src/proxy-contract.js";

export interface NetworkInputs {
  vpcId: string;
  subnetIds: string[];
  vpcCidr: string;
  informixHost: string;
}

export function networkInputs(stack: TerraformStack, config: EnvironmentConfig): NetworkInputs {
  const net = config.network;
  const vpcId =
    net.mode === "existing"
      ? net.vpcId
      : new TerraformVariable(stack, "vpc_id", { type: "string", description: "VPC of the proxy" }).stringValue;
  const subnetIds =
    net.mode === "existing"
      ? net.privateSubnetIds
      : new TerraformVariable(stack, "private_subnet_ids", {
          type: "list(string)",
          description: "Private subnets, two or more AZs",
        }).listValue;
  const vpcCidr =
    net.mode === "existing"
      ? net.vpcCidr
      : new TerraformVariable(stack, "vpc_cidr", { type: "string", default: net.cidr }).stringValue;
  const informixHost =
    config.informix.host.mode === "existing"
      ? config.informix.host.host
      : new TerraformVariable(stack, "informix_host", { type: "string", description: "Informix DRDA host name" })
          .stringValue;
  return { vpcId, subnetIds, vpcCidr, informixHost };
}

/** NLB group open to the VPC on gRPC; proxy group open to the NLB only, out to AWS APIs and Informix DRDA. */
export function securityGroups(
  stack: TerraformStack,
  name: string,
  config: EnvironmentConfig,
  network: Pick<NetworkInputs, "vpcId" | "vpcCidr">,
): { lbGroup: SecurityGroup; proxyGroup: SecurityGroup } {
  const { vpcId, vpcCidr } = network;
  const lbGroup = new SecurityGroup(stack, "lb_sg", {
    name: `${name}-nlb`,
    description: "Internal NLB: gRPC from the VPC",
    vpcId,
  });
  const proxyGroup = new SecurityGroup(stack, "proxy_sg", {
    name: `${name}-tasks`,
    description: "Proxy tasks: gRPC and health checks from the NLB",
    vpcId,
  });
  new VpcSecurityGroupIngressRule(stack, "lb_in_grpc", {
    securityGroupId: lbGroup.id,
    description: "gRPC clients in the VPC",
    cidrIpv4: vpcCidr,
    ipProtocol: "tcp",
    fromPort: GRPC_PORT,
    toPort: GRPC_PORT,
  });
  for (const [id, port, description] of [
    ["grpc", GRPC_PORT, "gRPC from the NLB"],
    ["health", HTTP_PORT, "NLB health checks on /healthz"],
  ] as const) {
    new VpcSecurityGroupIngressRule(stack, `proxy_in_${id}`, {
      securityGroupId: proxyGroup.id,
      description,
      referencedSecurityGroupId: lbGroup.id,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
    });
    new VpcSecurityGroupEgressRule(stack, `lb_out_${id}`, {
      securityGroupId: lbGroup.id,
      description: `${description} (egress)`,
      referencedSecurityGroupId: proxyGroup.id,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
    });
  }
  new VpcSecurityGroupEgressRule(stack, "proxy_out_https", {
    securityGroupId: proxyGroup.id,
    description: "AWS APIs (ECR, Secrets Manager, logs, Prometheus)",
    cidrIpv4: "0.0.0.0/0",
    ipProtocol: "tcp",
    fromPort: 443,
    toPort: 443,
  });
  new VpcSecurityGroupEgressRule(stack, "proxy_out_drda", {
    securityGroupId: proxyGroup.id,
    description: "Informix DRDA inside the VPC",
    cidrIpv4: vpcCidr,
    ipProtocol: "tcp",
    fromPort: config.informix.connection.drdaPort,
    toPort: config.informix.connection.drdaPort,
  });
  return { lbGroup, proxyGroup };
}
