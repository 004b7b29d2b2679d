// The VPC (created with flow logs, or imported) and the two security groups whose rules tie the proxy to
// Informix. Both groups live here so the service and host stacks depend on this one and not on each other.
import { Stack, type StackProps } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as logs from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/schema.js";
import { GRPC_PORT, HTTP_PORT } from "../proxy-contract.js";

export interface NetworkStackProps extends StackProps {
  readonly config: EnvironmentConfig;
}

export class NetworkStack extends Stack {
  readonly vpc: ec2.IVpc;
  /** Attached to the internal NLB; admits gRPC from the VPC. */
  readonly loadBalancerSecurityGroup: ec2.SecurityGroup;
  /** Attached to the proxy tasks (or EKS pods through security groups for pods). */
  readonly proxySecurityGroup: ec2.SecurityGroup;
  /** Attached to the Informix host; admits DRDA/SQLI from the proxy only. */
  readonly informixSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const { config } = props;
    const net = config.network;

    if (net.mode === "create") {
      const vpc = new ec2.Vpc(this, "Vpc", {
        ipAddresses: ec2.IpAddresses.cidr(net.cidr),
        maxAzs: net.maxAzs,
        natGateways: net.natGateways,
        subnetConfiguration: [
          { name: "public", subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
          { name: "private", subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        ],
      });
      const flowLogGroup = new logs.LogGroup(this, "FlowLogs", { retention: config.logRetentionDays });
      vpc.addFlowLog("FlowLog", {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup),
        trafficType: ec2.FlowLogTrafficType.REJECT,
      });
      // Interface endpoints keep Secrets Manager, ECR and SSM traffic off the NAT gateway.
      vpc.addGatewayEndpoint("S3", { service: ec2.GatewayVpcEndpointAwsService.S3 });
      const endpoints = [
        ["SecretsManager", ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
        ["EcrApi", ec2.InterfaceVpcEndpointAwsService.ECR],
        ["EcrDocker", ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER],
        ["Logs", ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS],
        ["Ssm", ec2.InterfaceVpcEndpointAwsService.SSM],
        ["SsmMessages", ec2.InterfaceVpcEndpointAwsService.SSM_MESSAGES],
        ["Ec2Messages", ec2.InterfaceVpcEndpointAwsService.EC2_MESSAGES],
      ] as const;
      for (const [name, service] of net.interfaceEndpoints ? endpoints : []) {
        // open: false plus an explicit rule keeps the endpoint groups to HTTPS from this VPC's literal range.
        const endpoint = vpc.addInterfaceEndpoint(name, { service, privateDnsEnabled: true, open: false });
        endpoint.connections.allowFrom(ec2.Peer.ipv4(net.cidr), ec2.Port.tcp(443), "HTTPS from inside the VPC");
      }
      this.vpc = vpc;
    } else {
      this.vpc = ec2.Vpc.fromVpcAttributes(this, "Vpc", {
        vpcId: net.vpcId,
        vpcCidrBlock: net.vpcCidr,
        availabilityZones: net.availabilityZones,
        privateSubnetIds: net.privateSubnetIds,
      });
    }

    this.loadBalancerSecurityGroup = new ec2.SecurityGroup(this, "LoadBalancerSecurityGroup", {
      vpc: this.vpc,
      description: "Internal NLB of informix-grpc-proxy: gRPC from inside the VPC",
      allowAllOutbound: false,
    });
    const vpcCidr = net.mode === "create" ? net.cidr : net.vpcCidr;
    this.loadBalancerSecurityGroup.addIngressRule(
      ec2.Peer.ipv4(vpcCidr),
      ec2.Port.tcp(GRPC_PORT),
      "gRPC clients inside the VPC",
    );

    this.proxySecurityGroup = new ec2.SecurityGroup(this, "ProxySecurityGroup", {
      vpc: this.vpc,
      description: "informix-grpc-proxy tasks: gRPC and health checks from the NLB only",
      allowAllOutbound: true,
    });
    // Client IP preservation is off for IP targets, so all traffic arrives from the NLB's group.
    this.proxySecurityGroup.addIngressRule(
      this.loadBalancerSecurityGroup,
      ec2.Port.tcp(GRPC_PORT),
      "gRPC from the NLB",
    );
    this.proxySecurityGroup.addIngressRule(
      this.loadBalancerSecurityGroup,
      ec2.Port.tcp(HTTP_PORT),
      "NLB health checks on /readyz",
    );
    this.loadBalancerSecurityGroup.addEgressRule(
      this.proxySecurityGroup,
      ec2.Port.tcp(GRPC_PORT),
      "to the proxy tasks",
    );
    this.loadBalancerSecurityGroup.addEgressRule(this.proxySecurityGroup, ec2.Port.tcp(HTTP_PORT), "health checks");

    this.informixSecurityGroup = new ec2.SecurityGroup(this, "InformixSecurityGroup", {
      vpc: this.vpc,
      description: "Informix host: DRDA and SQLI from the proxy only; no SSH (managed through SSM)",
      allowAllOutbound: true,
    });
    const conn = config.informix.connection;
    this.informixSecurityGroup.addIngressRule(
      this.proxySecurityGroup,
      ec2.Port.tcp(conn.drdaPort),
      "DRDA from the proxy",
    );
    this.informixSecurityGroup.addIngressRule(
      this.proxySecurityGroup,
      ec2.Port.tcp(conn.sqliPort),
      "SQLI from the proxy",
    );
  }
}
