// The bottom layer's status vocabulary: the codes are gRPC's (checked against grpc-js's enum, which the transport
// sends), the names are go-grpc-prometheus's, and the one "internal error" ApiError hides its cause.
import { status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { ApiError, internalError } from "../../src/core/api-error.js";
import { codeName, StatusCode } from "../../src/core/status-codes.js";

describe("StatusCode", () => {
  it("has exactly grpc-js's codes, with the same numbers", () => {
    const grpc = Object.fromEntries(Object.entries(status).filter(([, v]) => typeof v === "number"));
    expect(StatusCode).toEqual(grpc);
  });

  it.each([
    [StatusCode.OK, "OK"],
    [StatusCode.CANCELLED, "Canceled"],
    [StatusCode.INVALID_ARGUMENT, "InvalidArgument"],
    [StatusCode.DEADLINE_EXCEEDED, "DeadlineExceeded"],
    [StatusCode.PERMISSION_DENIED, "PermissionDenied"],
    [StatusCode.RESOURCE_EXHAUSTED, "ResourceExhausted"],
    [StatusCode.UNAUTHENTICATED, "Unauthenticated"],
    [99, "Unknown"],
  ])("names code %i %s", (code, name) => {
    expect(codeName(code)).toBe(name);
  });
});

describe("internalError", () => {
  it("says only 'internal error' and keeps the cause for the log", () => {
    const cause = new Error("connect ECONNREFUSED 10.0.0.7:5432");
    const error = internalError(cause, { database: "main" });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe(status.INTERNAL);
    expect(error.message).toBe("internal error");
    expect(error.reason).toBe("INTERNAL");
    expect(error.metadata).toEqual({ database: "main" });
    expect(error.cause).toBe(cause);
    expect(internalError().metadata).toEqual({});
  });
});
