// @informix-grpc-proxy/client: the public surface.
export { status } from "@grpc/grpc-js";
export type { CredentialOptions, TlsOptions } from "./channel.js";
export {
  type BatchItemResult,
  type BatchOptions,
  type BatchResult,
  type BatchStatement,
  type CallOptions,
  type ClientOptions,
  type Isolation,
  PreparedStatement,
  ProxyClient,
  type QueryOptions,
  type QueryResult,
  RowStream,
  Session,
  type StreamOptions,
  type StreamSummary,
  type TableDescription,
  type TableSummary,
  type TransactionOptions,
} from "./client.js";
export { type FieldViolation, ProxyError } from "./errors.js";
export type { RetryOptions } from "./retry.js";
export {
  type ColumnInfo,
  date,
  decimal,
  interval,
  type Row,
  type SqlParam,
  type SqlResultValue,
  TypedParam,
  timestamp,
} from "./values.js";
