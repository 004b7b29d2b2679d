// The AWS calls that shell lines make (the SSM archive document, the restore steps the host runs), as IAM
// actions on concrete resources. Only the commands the project uses are known; any other `aws` command is
// reported as unmapped, so a new call in a document cannot slip past the coverage test.
export interface AwsCall {
  readonly command: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string>;
}

export interface MappedLine {
  readonly calls: AwsCall[];
  readonly unmapped?: string;
}

const S3 = /^s3:\/\/([^/]+)\/?(.*)$/;

function s3Object(url: string): { bucket: string; key: string } | undefined {
  const m = S3.exec(url);
  return m ? { bucket: m[1] as string, key: m[2] as string } : undefined;
}

function words(line: string): string[] {
  return (line.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^["']|["']$/g, ""));
}

/** The IAM actions one `aws ...` command needs; `kmsKeyArn` is the key of SSE-KMS objects. */
export function awsCallsOf(line: string, kmsKeyArn: string, region: string): MappedLine {
  const start = line.indexOf("aws ");
  if (start < 0) return { calls: [] };
  const argv = words(line.slice(start).split("|")[0] ?? "");
  const [, service, verb, ...rest] = argv;
  const operands = rest.filter((w) => !w.startsWith("--") && !w.startsWith("aws:kms") && !w.startsWith("arn:"));
  const viaS3 = { "kms:ViaService": `s3.${region}.amazonaws.com` };
  const calls: AwsCall[] = [];
  const put = (o: { bucket: string; key: string }, command: string) => {
    calls.push({ command, action: "s3:PutObject", resource: `arn:aws:s3:::${o.bucket}/${o.key}` });
    // SSE-KMS: a new data key per object, and Decrypt for the parts of a multipart upload.
    calls.push({ command, action: "kms:GenerateDataKey", resource: kmsKeyArn, context: viaS3 });
    calls.push({ command, action: "kms:Decrypt", resource: kmsKeyArn, context: viaS3 });
    calls.push({ command, action: "s3:AbortMultipartUpload", resource: `arn:aws:s3:::${o.bucket}/${o.key}` });
  };
  const get = (o: { bucket: string; key: string }, command: string) => {
    calls.push({ command, action: "s3:GetObject", resource: `arn:aws:s3:::${o.bucket}/${o.key}` });
    calls.push({ command, action: "kms:Decrypt", resource: kmsKeyArn, context: viaS3 });
  };
  const list = (o: { bucket: string; key: string }, command: string) => {
    calls.push({
      command,
      action: "s3:ListBucket",
      resource: `arn:aws:s3:::${o.bucket}`,
      context: { "s3:prefix": o.key },
    });
  };
  const command = `aws ${service} ${verb}`;
  if (service === "s3" && (verb === "cp" || verb === "sync")) {
    const [source, target] = operands;
    const from = s3Object(source ?? "");
    const to = s3Object(target ?? "");
    if (to) {
      if (verb === "sync") list(to, command);
      put(verb === "sync" ? { ...to, key: `${to.key}archive.file` } : to, command);
    }
    if (from) {
      if (verb === "sync") list(from, command);
      get(verb === "sync" ? { ...from, key: `${from.key}archive.file` } : from, command);
    }
    if (!from && !to) return { calls, unmapped: line.trim() };
    return { calls };
  }
  if (service === "s3" && verb === "ls") {
    const target = s3Object(operands[0] ?? "");
    if (!target) return { calls, unmapped: line.trim() };
    list(target, command);
    return { calls };
  }
  return { calls, unmapped: line.trim() };
}

/** Expands the document's parameters and the script's own variables the way bash would for one run. */
export function expandArchiveScript(
  lines: string[],
  parameters: Record<string, string>,
  shellValues: Record<string, string>,
): string[] {
  const vars: Record<string, string> = { ...shellValues };
  const expand = (text: string) =>
    text
      .replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => parameters[name] ?? `{{${name}}}`)
      .replace(/\$\(hostname\)/g, vars.hostname ?? "host")
      .replace(/\$\{?(\w+)\}?/g, (whole, name: string) => vars[name] ?? whole);
  const out: string[] = [];
  for (const line of lines) {
    const assignment = /^\s*(\w+)="(.*)"\s*$/.exec(line);
    if (assignment && !assignment[2]?.includes("$(date")) {
      vars[assignment[1] as string] = expand(assignment[2] as string);
      continue;
    }
    out.push(expand(line));
  }
  return out;
}
