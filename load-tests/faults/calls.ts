// Calls as a client sees them: each one timed from the client's side, with its gRPC code and the ErrorInfo
// reason, and a pool of callers looping until told to stop.
import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import {
  ExecuteRequest,
  type ExecuteResponse,
  type SqlServiceClient,
} from "../../app/src/gen/informix/proxy/v1/sql_service.js";
import { decodeStatusDetails } from "../../app/src/transport/status-details.js";

export interface CallRecord {
  /** performance.now() when the call started and how long it took, both in ms. */
  start: number;
  ms: number;
  code: string;
  reason: string | undefined;
  retryMs: number | undefined;
}

export type Unary<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: { deadline: number },
  callback: (error: ServiceError | null, response: Res) => void,
) => unknown;

export function timed<Req, Res>(
  fn: Unary<Req, Res>,
  request: Req,
  deadlineMs: number,
): Promise<CallRecord & { response: Res | undefined }> {
  const start = performance.now();
  return new Promise((resolve) => {
    fn(request, new Metadata(), { deadline: Date.now() + deadlineMs }, (error, response) => {
      const ms = performance.now() - start;
      if (!error) return resolve({ start, ms, code: "OK", reason: undefined, retryMs: undefined, response });
      const details = decodeStatusDetails(error.metadata);
      const delay = details.retryInfo?.retryDelay;
      resolve({
        start,
        ms,
        code: status[error.code] ?? String(error.code),
        reason: details.errorInfo?.reason,
        retryMs: delay ? Number(delay.seconds) * 1000 + Math.round(delay.nanos / 1e6) : undefined,
        response: undefined,
      });
    });
  });
}

export const POINT_QUERY = "SELECT id, name FROM fault_items WHERE id = ?";

export function pointQuery(client: SqlServiceClient, id: number, deadlineMs: number) {
  const request = ExecuteRequest.fromPartial({
    sql: POINT_QUERY,
    params: [{ kind: { $case: "int64Value", value: BigInt(id) } }],
  });
  return timed<ExecuteRequest, ExecuteResponse>(client.execute.bind(client) as never, request, deadlineMs);
}

export function execute(client: SqlServiceClient, request: Partial<ExecuteRequest>, deadlineMs: number) {
  return timed<ExecuteRequest, ExecuteResponse>(
    client.execute.bind(client) as never,
    ExecuteRequest.fromPartial(request),
    deadlineMs,
  );
}

/** A caller retries a failed call after this pause: at once, as an impatient client would, yet not in a hot loop
 * (16 hot loops of fail-fast calls would measure the load generator's own CPU, not the proxy). */
const RETRY_PAUSE_MS = 5;

/** n callers, each running next() in a loop until stop(); every call is recorded. */
export function callers(
  n: number,
  next: (caller: number, iteration: number) => Promise<CallRecord>,
): { records: CallRecord[]; stop(): Promise<void> } {
  const records: CallRecord[] = [];
  let running = true;
  const loops = Array.from({ length: n }, async (_, caller) => {
    for (let i = 0; running; i++) {
      const record = await next(caller, i);
      records.push(record);
      if (record.code === "OK") await new Promise((r) => setImmediate(r));
      else await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
    }
  });
  return {
    records,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** Nearest-rank percentile (ghz's rule), NaN when empty. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (p / 100) * sorted.length;
  let index = Math.floor(position);
  if (position === index) index -= 1;
  return sorted[Math.max(0, index)] as number;
}

export function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}
