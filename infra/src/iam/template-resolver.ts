// Resolves the intrinsic functions of synthesized CloudFormation templates (Ref, Fn::GetAtt, Fn::ImportValue,
// Fn::Join, Fn::Sub, Fn::Select, Fn::Split, Fn::If) into concrete strings, so that IAM policies, key policies and
// secret references can be evaluated as AWS would once deployed. Physical names are what CloudFormation would
// produce where the template fixes them (SecretName, RoleName, LogGroupName...) and stable stand-ins otherwise;
// the same resource always resolves to the same ARN, whichever stack refers to it.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, Json>;
}

export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { Value: Json; Export?: { Name: Json } }>;
  readonly Parameters?: Record<string, { Default?: Json }>;
  readonly Conditions?: Record<string, Json>;
}

export interface DeploymentTarget {
  readonly account: string;
  readonly region: string;
  readonly partition?: string;
}

/** A resource found by its resolved identity: which stack and logical id it is. */
export interface ResourceLocation {
  readonly stack: string;
  readonly logicalId: string;
  readonly resource: CfnResource;
}

export class TemplateResolver {
  private readonly partition: string;
  private readonly exports = new Map<string, { stack: string; value: Json }>();

  constructor(
    readonly templates: ReadonlyMap<string, CfnTemplate>,
    readonly target: DeploymentTarget,
  ) {
    this.partition = target.partition ?? "aws";
    for (const [stack, template] of templates) {
      for (const output of Object.values(template.Outputs ?? {})) {
        if (output.Export)
          this.exports.set(String(this.resolve(stack, output.Export.Name)), { stack, value: output.Value });
      }
    }
  }

  resource(stack: string, logicalId: string): CfnResource {
    const resource = this.templates.get(stack)?.Resources?.[logicalId];
    if (!resource) throw new Error(`${stack} has no resource ${logicalId}`);
    return resource;
  }

  /** Every resource of a type across the stacks. */
  resourcesOfType(type: string): ResourceLocation[] {
    const found: ResourceLocation[] = [];
    for (const [stack, template] of this.templates) {
      for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
        if (resource.Type === type) found.push({ stack, logicalId, resource });
      }
    }
    return found;
  }

  /** The resource whose Ref or Arn attribute resolves to this value (an ARN, name or id). */
  findByIdentity(value: string, type?: string): ResourceLocation | undefined {
    for (const [stack, template] of this.templates) {
      for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
        if (type && resource.Type !== type) continue;
        if (this.ref(stack, logicalId) === value || this.getAtt(stack, logicalId, "Arn") === value) {
          return { stack, logicalId, resource };
        }
      }
    }
    return undefined;
  }

  /** Resolves every intrinsic inside a value, as CloudFormation would at deploy time. */
  resolve(stack: string, value: Json | undefined): Json {
    if (value === undefined || value === null || typeof value !== "object") return value ?? null;
    if (Array.isArray(value)) return value.map((v) => this.resolve(stack, v)).filter((v) => v !== NO_VALUE);
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [fn] = keys as [string];
      const arg = value[fn] as Json;
      switch (fn) {
        case "Ref":
          return this.ref(stack, String(arg));
        case "Fn::GetAtt": {
          const [id, attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split(/\.(.+)/);
          return this.getAtt(stack, String(id), String(attr));
        }
        case "Fn::ImportValue": {
          const name = String(this.resolve(stack, arg));
          const exported = this.exports.get(name);
          if (!exported) throw new Error(`no stack exports ${name}`);
          return this.resolve(exported.stack, exported.value);
        }
        case "Fn::Join": {
          const [sep, parts] = arg as [string, Json[]];
          return (this.resolve(stack, parts) as Json[]).map(String).join(sep);
        }
        case "Fn::Select": {
          const [index, list] = arg as [Json, Json];
          return (this.resolve(stack, list) as Json[])[Number(this.resolve(stack, index))] ?? null;
        }
        case "Fn::Split": {
          const [sep, source] = arg as [string, Json];
          return String(this.resolve(stack, source)).split(sep);
        }
        case "Fn::Sub":
          return this.sub(stack, arg);
        case "Fn::If": {
          const [condition, whenTrue, whenFalse] = arg as [string, Json, Json];
          return this.resolve(stack, this.condition(stack, condition) ? whenTrue : whenFalse);
        }
        case "Fn::GetAZs":
          return [`${this.target.region}a`, `${this.target.region}b`, `${this.target.region}c`];
        case "Fn::Base64":
          return this.resolve(stack, arg);
      }
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(stack, v)]));
  }

  private condition(stack: string, name: string): boolean {
    const expr = this.templates.get(stack)?.Conditions?.[name];
    return this.evaluateCondition(stack, expr ?? false);
  }

  private evaluateCondition(stack: string, expr: Json): boolean {
    if (typeof expr === "boolean") return expr;
    if (expr && typeof expr === "object" && !Array.isArray(expr)) {
      const [fn] = Object.keys(expr);
      const arg = (expr as Record<string, Json>)[fn as string] as Json[];
      if (fn === "Fn::Equals") return this.resolve(stack, arg[0]) === this.resolve(stack, arg[1]);
      if (fn === "Fn::Not") return !this.evaluateCondition(stack, arg[0] as Json);
      if (fn === "Fn::And") return arg.every((a) => this.evaluateCondition(stack, a));
      if (fn === "Fn::Or") return arg.some((a) => this.evaluateCondition(stack, a));
      if (fn === "Condition") return this.condition(stack, String(arg));
    }
    return false;
  }

  private sub(stack: string, arg: Json): string {
    const [text, vars] = Array.isArray(arg) ? (arg as [string, Record<string, Json>]) : [String(arg), {}];
    return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      if (name in vars) return String(this.resolve(stack, vars[name]));
      if (name.includes(".")) {
        const [id, attr] = name.split(/\.(.+)/) as [string, string];
        return String(this.getAtt(stack, id, attr));
      }
      return String(this.ref(stack, name));
    });
  }

  ref(stack: string, name: string): Json {
    switch (name) {
      case "AWS::AccountId":
        return this.target.account;
      case "AWS::Region":
        return this.target.region;
      case "AWS::Partition":
        return this.partition;
      case "AWS::URLSuffix":
        return "amazonaws.com";
      case "AWS::StackName":
        return stack;
      case "AWS::NoValue":
        return NO_VALUE;
    }
    const template = this.templates.get(stack);
    const parameter = template?.Parameters?.[name];
    if (parameter) return parameter.Default ?? `${name}-parameter`;
    const resource = template?.Resources?.[name];
    if (!resource) throw new Error(`${stack}: Ref to unknown ${name}`);
    return this.physicalRef(stack, name, resource);
  }

  getAtt(stack: string, logicalId: string, attr: string): Json {
    const resource = this.resource(stack, logicalId);
    const p = resource.Properties ?? {};
    const { account, region } = this.target;
    const arn = (service: string, rest: string, r = region, a = account) =>
      `arn:${this.partition}:${service}:${r}:${a}:${rest}`;
    const ref = String(this.physicalRef(stack, logicalId, resource));
    switch (`${resource.Type}.${attr}`) {
      case "AWS::KMS::Key.Arn":
        return arn("kms", `key/${ref}`);
      case "AWS::KMS::Key.KeyId":
        return ref;
      case "AWS::IAM::Role.Arn":
        return `arn:${this.partition}:iam::${account}:role${this.path(stack, p.Path)}${ref}`;
      case "AWS::IAM::Role.RoleId":
        return `AROA${logicalId.toUpperCase().slice(0, 16)}`;
      case "AWS::S3::Bucket.Arn":
        return `arn:${this.partition}:s3:::${ref}`;
      case "AWS::S3::Bucket.DomainName":
      case "AWS::S3::Bucket.RegionalDomainName":
        return `${ref}.s3.${region}.amazonaws.com`;
      case "AWS::ECR::Repository.Arn":
        return arn("ecr", `repository/${ref}`);
      case "AWS::ECR::Repository.RepositoryUri":
        return `${account}.dkr.ecr.${region}.amazonaws.com/${ref}`;
      case "AWS::Logs::LogGroup.Arn":
        return arn("logs", `log-group:${ref}:*`);
      case "AWS::APS::Workspace.Arn":
        return arn("aps", `workspace/${ref}`);
      case "AWS::APS::Workspace.PrometheusEndpoint":
        return `https://aps-workspaces.${region}.amazonaws.com/workspaces/${ref}/`;
      case "AWS::APS::Workspace.WorkspaceId":
        return ref;
      case "AWS::SNS::Topic.TopicArn":
        return ref;
      case "AWS::SecretsManager::Secret.Id":
        return ref;
      case "AWS::EC2::Instance.PrivateDnsName":
        return `ip-10-0-0-1.${region}.compute.internal`;
      case "AWS::EC2::Instance.AvailabilityZone":
        return `${region}a`;
      case "AWS::IAM::OIDCProvider.Arn":
        return ref;
      case "AWS::ElasticLoadBalancingV2::LoadBalancer.DNSName":
        return `${logicalId.toLowerCase()}.elb.${region}.amazonaws.com`;
      case "AWS::ElasticLoadBalancingV2::LoadBalancer.LoadBalancerFullName":
        return `net/${logicalId}/0123456789abcdef`;
      case "AWS::ElasticLoadBalancingV2::TargetGroup.TargetGroupFullName":
        return `targetgroup/${logicalId}/0123456789abcdef`;
      case "AWS::Lambda::Function.Arn":
        return arn("lambda", `function:${ref}`);
      case "AWS::DynamoDB::Table.Arn":
        return arn("dynamodb", `table/${ref}`);
      case "AWS::SSM::Document.Name":
        return ref;
      case "AWS::EC2::SecurityGroup.GroupId":
        return `sg-${hex(logicalId)}`;
      case "AWS::Backup::BackupVault.BackupVaultArn":
        return arn("backup", `backup-vault:${ref}`);
      case "AWS::Backup::BackupPlan.BackupPlanArn":
        return arn("backup", `backup-plan:${ref}`);
    }
    if (attr === "Arn") return arn(resource.Type.split("::")[1]?.toLowerCase() ?? "unknown", `${logicalId}/${ref}`);
    return `${logicalId}.${attr}`;
  }

  private path(stack: string, path: Json | undefined): string {
    return path ? String(this.resolve(stack, path)) : "/";
  }

  private physicalRef(stack: string, logicalId: string, resource: CfnResource): Json {
    const p = resource.Properties ?? {};
    const { account, region } = this.target;
    const named = (prop: string, fallback: string) =>
      p[prop] !== undefined ? String(this.resolve(stack, p[prop])) : fallback;
    const generated = `${stack}-${logicalId}`.toLowerCase().slice(0, 60);
    switch (resource.Type) {
      case "AWS::SecretsManager::Secret":
        return `arn:${this.partition}:secretsmanager:${region}:${account}:secret:${named("Name", generated)}-AbCdEf`;
      case "AWS::KMS::Key":
        return `${hex(`${stack}/${logicalId}`).slice(0, 8)}-0000-4000-8000-${hex(logicalId).slice(0, 12)}`;
      case "AWS::IAM::Role":
        return named("RoleName", `${stack}-${logicalId}`.slice(0, 64));
      case "AWS::IAM::ManagedPolicy":
        return `arn:${this.partition}:iam::${account}:policy/${named("ManagedPolicyName", generated)}`;
      case "AWS::S3::Bucket":
        return named("BucketName", generated.replace(/[^a-z0-9-]/g, "-"));
      case "AWS::ECR::Repository":
        return named("RepositoryName", generated);
      case "AWS::Logs::LogGroup":
        return named("LogGroupName", `${stack}-${logicalId}`);
      case "AWS::SNS::Topic":
        return `arn:${this.partition}:sns:${region}:${account}:${named("TopicName", `${stack}-${logicalId}`)}`;
      case "AWS::APS::Workspace":
        return `ws-${hex(logicalId).slice(0, 12)}`;
      case "AWS::EC2::Instance":
        return `i-${hex(`${stack}/${logicalId}`).slice(0, 17)}`;
      case "AWS::EC2::Volume":
        return `vol-${hex(`${stack}/${logicalId}`).slice(0, 17)}`;
      case "AWS::SSM::Document":
        return named("Name", `${stack}-${logicalId}`);
      case "AWS::IAM::OIDCProvider":
        return `arn:${this.partition}:iam::${account}:oidc-provider/${String(this.resolve(stack, p.Url ?? "")).replace(/^https:\/\//, "")}`;
      case "AWS::ECS::Cluster":
        return named("ClusterName", `${stack}-${logicalId}`);
      case "AWS::Lambda::Function":
        return named("FunctionName", `${stack}-${logicalId}`);
      case "AWS::DynamoDB::Table":
        return named("TableName", `${stack}-${logicalId}`);
      case "AWS::Backup::BackupVault":
        return named("BackupVaultName", `${stack}-${logicalId}`);
      case "AWS::EC2::SecurityGroup":
        return `sg-${hex(logicalId)}`;
    }
    return `${logicalId}-physical-id`;
  }
}

/** Stands for AWS::NoValue; dropped from lists by resolve(). */
export const NO_VALUE = "__AWS_NO_VALUE__";

/** A stable hexadecimal stand-in for generated ids. */
function hex(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const ch of text) {
    h1 = Math.imul(h1 ^ ch.charCodeAt(0), 16777619) >>> 0;
    h2 = Math.imul(h2 ^ ch.charCodeAt(0), 2246822519) >>> 0;
  }
  return (h1.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0")).repeat(2);
}
