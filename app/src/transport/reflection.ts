// gRPC server reflection (grpc.reflection.v1 and v1alpha) served from the exact descriptors that buf builds
// (app/src/gen/descriptors.binpb), so grpcurl, Postman, Evans and ghz work without the proto files.
// Written here rather than taken from @grpc/reflection: that package rebuilds descriptors through protobufjs,
// which drops imported files (google.rpc.Status) and misnames map entries, and grpcurl then refuses them.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  type DescriptorProto,
  type FileDescriptorProto,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
} from "@bufbuild/protobuf/wkt";
import { loadPackageDefinition, type Server, type ServerDuplexStream, status } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";

const DESCRIPTORS = fileURLToPath(new URL("../../src/gen/descriptors.binpb", import.meta.url));

interface DescriptorIndex {
  files: Map<string, FileDescriptorProto>;
  encoded: Map<string, Buffer>;
  symbols: Map<string, string>;
  services: string[];
}

function indexDescriptors(bytes: Uint8Array): DescriptorIndex {
  const set = fromBinary(FileDescriptorSetSchema, bytes);
  const index: DescriptorIndex = { files: new Map(), encoded: new Map(), symbols: new Map(), services: [] };
  for (const file of set.file) {
    index.files.set(file.name, file);
    index.encoded.set(file.name, Buffer.from(toBinary(FileDescriptorProtoSchema, file)));
    const prefix = file.package ? `${file.package}.` : "";
    const addMessage = (message: DescriptorProto, scope: string) => {
      const name = `${scope}${message.name}`;
      index.symbols.set(name, file.name);
      for (const nested of message.nestedType) addMessage(nested, `${name}.`);
      for (const e of message.enumType) index.symbols.set(`${name}.${e.name}`, file.name);
    };
    for (const message of file.messageType) addMessage(message, prefix);
    for (const e of file.enumType) index.symbols.set(`${prefix}${e.name}`, file.name);
    for (const service of file.service) {
      const name = `${prefix}${service.name}`;
      index.symbols.set(name, file.name);
      index.services.push(name);
      for (const method of service.method) index.symbols.set(`${name}.${method.name}`, file.name);
    }
  }
  return index;
}

/** The file and everything it imports, each once. */
function withDependencies(index: DescriptorIndex, fileName: string): Buffer[] {
  const seen = new Set<string>();
  const out: Buffer[] = [];
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const encoded = index.encoded.get(name);
    if (!encoded) return;
    out.push(encoded);
    for (const dependency of index.files.get(name)?.dependency ?? []) visit(dependency);
  };
  visit(fileName);
  return out;
}

interface ReflectionRequest {
  host?: string;
  message_request?: string;
  file_by_filename?: string;
  file_containing_symbol?: string;
  file_containing_extension?: { containing_type: string; extension_number: number };
  all_extension_numbers_of_type?: string;
  list_services?: string;
}

function answer(index: DescriptorIndex, request: ReflectionRequest): Record<string, unknown> {
  const base = { valid_host: request.host ?? "", original_request: request };
  const notFound = (message: string) => ({
    ...base,
    error_response: { error_code: status.NOT_FOUND, error_message: message },
  });
  switch (request.message_request) {
    case "list_services":
      return { ...base, list_services_response: { service: index.services.map((name) => ({ name })) } };
    case "file_by_filename": {
      const name = request.file_by_filename ?? "";
      return index.encoded.has(name)
        ? { ...base, file_descriptor_response: { file_descriptor_proto: withDependencies(index, name) } }
        : notFound(`file not found: ${name}`);
    }
    case "file_containing_symbol": {
      const symbol = (request.file_containing_symbol ?? "").replace(/^\./, "");
      const file = index.symbols.get(symbol);
      return file
        ? { ...base, file_descriptor_response: { file_descriptor_proto: withDependencies(index, file) } }
        : notFound(`symbol not found: ${symbol}`);
    }
    case "all_extension_numbers_of_type":
      return {
        ...base,
        all_extension_numbers_response: { base_type_name: request.all_extension_numbers_of_type, extension_number: [] },
      };
    case "file_containing_extension":
      return notFound("no extensions are defined");
    default:
      return {
        ...base,
        error_response: { error_code: status.UNIMPLEMENTED, error_message: "unsupported reflection request" },
      };
  }
}

/** Adds grpc.reflection.v1 and v1alpha (older grpcurl and ghz use v1alpha) to the server. */
/** `hidden`: services in the descriptors that this server does not serve (the legacy API when it is off). */
export function addReflection(server: Pick<Server, "addService">, hidden: readonly string[] = []): void {
  const index = indexDescriptors(readFileSync(DESCRIPTORS));
  index.services = index.services.filter((name) => !hidden.includes(name));
  const require = createRequire(import.meta.url);
  const protoDir = join(dirname(require.resolve("@grpc/reflection/package.json")), "build", "proto");
  for (const version of ["v1", "v1alpha"]) {
    const definition = loadSync(`grpc/reflection/${version}/reflection.proto`, {
      includeDirs: [protoDir],
      keepCase: true,
      longs: String,
      enums: String,
      defaults: false,
      oneofs: true,
    });
    const pkg = loadPackageDefinition(definition) as unknown as {
      grpc: { reflection: Record<string, { ServerReflection: { service: Parameters<Server["addService"]>[0] } }> };
    };
    const service = pkg.grpc.reflection[version]?.ServerReflection.service;
    if (!service) throw new Error(`reflection ${version} service definition missing`);
    server.addService(service, {
      ServerReflectionInfo(call: ServerDuplexStream<ReflectionRequest, Record<string, unknown>>) {
        call.on("data", (request: ReflectionRequest) => call.write(answer(index, request)));
        call.on("end", () => call.end());
        call.on("error", () => undefined);
      },
    });
  }
}
