// gRPC status codes (google.rpc.Code) and their names, the vocabulary every layer reports outcomes in. Defined here
// rather than taken from @grpc/grpc-js so the bottom layer needs no transport library; the numbers are fixed by the
// gRPC specification and test/core/status-codes.test.ts checks them against grpc-js's `status`.
export const StatusCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export type StatusCode = (typeof StatusCode)[keyof typeof StatusCode];

const CODE_NAMES = Object.fromEntries(
  Object.entries(StatusCode).map(([name, value]) => [
    value,
    name
      .split("_")
      .map((w) => w[0] + w.slice(1).toLowerCase())
      .join(""),
  ]),
) as Record<number, string>;

/** go-grpc-prometheus spells codes as Go's codes.Code String(): OK, Canceled, InvalidArgument... */
export function codeName(code: number): string {
  if (code === StatusCode.OK) return "OK";
  if (code === StatusCode.CANCELLED) return "Canceled";
  return CODE_NAMES[code] ?? "Unknown";
}
