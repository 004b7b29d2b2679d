// A real grpc-js client over loopback with promise helpers, and assertions on status codes and details.
import {
  credentials,
  InterceptingCall,
  type Interceptor,
  Metadata,
  type ServiceError,
  type status,
} from "@grpc/grpc-js";
import { expect } from "vitest";
import {
  type ExecuteStreamRequest,
  type ExecuteStreamResponse,
  SqlServiceClient,
} from "../../src/gen/informix/proxy/v1/sql_service.js";
import type { Value } from "../../src/gen/informix/proxy/v1/values.js";
import { decodeStatusDetails } from "../../src/transport/status-details.js";

/** Each client gets its own connection (a local subchannel pool), so two clients are two peers. */
export function newClient(address: string): SqlServiceClient {
  return new SqlServiceClient(address, credentials.createInsecure(), { "grpc.use_local_subchannel_pool": 1 });
}

/** A client on its own connection whose every call carries these metadata entries (an array adds each value). */
export function clientWithMetadata(address: string, entries: Record<string, string | string[]>): SqlServiceClient {
  const addMetadata: Interceptor = (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        for (const [key, value] of Object.entries(entries)) {
          for (const item of Array.isArray(value) ? value : [value]) metadata.add(key, item);
        }
        next(metadata, listener);
      },
    });
  return new SqlServiceClient(address, credentials.createInsecure(), {
    "grpc.use_local_subchannel_pool": 1,
    interceptors: [addMetadata],
  });
}

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: { deadline?: number },
  callback: (error: ServiceError | null, response: Res) => void,
) => unknown;

/** Calls a unary method: await call(client, "execute", {...}). */
export function call<Req, Res>(
  client: SqlServiceClient,
  method: keyof SqlServiceClient,
  request: Req,
  options: { deadline?: number } = {},
): Promise<Res> {
  const fn = (client[method] as unknown as UnaryMethod<Req, Res>).bind(client);
  return new Promise((resolve, reject) => {
    // grpc-js overloads: (request, metadata, options, callback)
    fn(request, new Metadata(), options, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

export interface StreamResult {
  messages: ExecuteStreamResponse[];
  rows: Value[][];
}

export function streamAll(
  client: SqlServiceClient,
  request: Partial<ExecuteStreamRequest>,
  options: { deadline?: number } = {},
): Promise<StreamResult> {
  return new Promise((resolve, reject) => {
    const messages: ExecuteStreamResponse[] = [];
    const rows: Value[][] = [];
    const stream = client.executeStream(streamRequest(request), options);
    stream.on("data", (m: ExecuteStreamResponse) => {
      messages.push(m);
      if (m.payload?.$case === "batch") for (const r of m.payload.value.rows) rows.push(r.values);
    });
    stream.on("error", reject);
    stream.on("end", () => resolve({ messages, rows }));
  });
}

export function streamRequest(request: Partial<ExecuteStreamRequest>): ExecuteStreamRequest {
  return { database: "", sessionId: "", sql: "", statementId: "", params: [], fetchSize: 0, timeoutMs: 0, ...request };
}

export function execRequest(request: Partial<import("../../src/gen/informix/proxy/v1/sql_service.js").ExecuteRequest>) {
  return { database: "", sessionId: "", sql: "", statementId: "", params: [], maxRows: 0, timeoutMs: 0, ...request };
}

/** Expects the promise to fail with the gRPC code (and ErrorInfo reason when given); returns the details. */
export async function expectStatus(promise: Promise<unknown>, code: status, reason?: string) {
  const error = (await promise.then(
    () => {
      throw new Error(`expected status ${code}, but the call succeeded`);
    },
    (e: unknown) => e,
  )) as ServiceError;
  expect(error.code, `status for: ${error.details}`).toBe(code);
  const details = decodeStatusDetails(error.metadata);
  if (reason !== undefined) expect(details.errorInfo?.reason).toBe(reason);
  return { error, ...details };
}

export const v = {
  null: (): Value => ({ kind: { $case: "null", value: {} } }),
  str: (value: string): Value => ({ kind: { $case: "stringValue", value } }),
  int: (value: bigint | number): Value => ({ kind: { $case: "int64Value", value: BigInt(value) } }),
  dbl: (value: number): Value => ({ kind: { $case: "doubleValue", value } }),
  bool: (value: boolean): Value => ({ kind: { $case: "boolValue", value } }),
  bytes: (value: Buffer): Value => ({ kind: { $case: "bytesValue", value } }),
  dec: (value: string): Value => ({ kind: { $case: "decimalValue", value } }),
  date: (value: string): Value => ({ kind: { $case: "dateValue", value } }),
  ts: (value: string): Value => ({ kind: { $case: "timestampValue", value } }),
};

/** A Value as a plain comparable JS value: null, boolean, bigint, number, string or Buffer. */
export function plain(value: Value | undefined): unknown {
  if (!value?.kind || value.kind.$case === "null") return null;
  return value.kind.value;
}
