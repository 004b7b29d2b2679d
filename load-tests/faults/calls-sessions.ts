// Session RPCs for the scenarios that hold connections through sessions and open transactions.
import {
  BeginTransactionRequest,
  type BeginTransactionResponse,
  CloseSessionRequest,
  type CloseSessionResponse,
  OpenSessionRequest,
  type OpenSessionResponse,
  type SqlServiceClient,
} from "../../app/src/gen/informix/proxy/v1/sql_service.js";
import { timed } from "./calls.js";

export function openSession(client: SqlServiceClient, deadlineMs: number) {
  return timed<OpenSessionRequest, OpenSessionResponse>(
    client.openSession.bind(client) as never,
    OpenSessionRequest.fromPartial({}),
    deadlineMs,
  );
}

export function closeSession(client: SqlServiceClient, sessionId: string, deadlineMs: number) {
  return timed<CloseSessionRequest, CloseSessionResponse>(
    client.closeSession.bind(client) as never,
    CloseSessionRequest.fromPartial({ sessionId }),
    deadlineMs,
  );
}

export function begin(client: SqlServiceClient, sessionId: string, deadlineMs: number) {
  return timed<BeginTransactionRequest, BeginTransactionResponse>(
    client.beginTransaction.bind(client) as never,
    BeginTransactionRequest.fromPartial({ sessionId }),
    deadlineMs,
  );
}
