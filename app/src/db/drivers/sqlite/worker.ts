// Entry point of a SQLite connection's worker thread: opens the database named in workerData, then answers
// the main thread's requests one at a time (protocol.ts). Result rows are posted with their BLOB buffers
// transferred, not copied.
import { readlinkSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { mapSqliteError } from "./errors.js";
import {
  type ExecuteReply,
  type FetchReply,
  serializeDbError,
  transferablesOf,
  type WorkerOpenOptions,
  type WorkerReady,
  type WorkerReply,
  type WorkerRequest,
} from "./protocol.js";
import { WorkerDatabase } from "./worker-database.js";

const port = parentPort;
if (!port) throw new Error("the SQLite worker runs in a worker thread");

let database: WorkerDatabase | undefined;
try {
  database = new WorkerDatabase(workerData as WorkerOpenOptions);
  port.postMessage({ ready: true, threadId: linuxThreadId() } satisfies WorkerReady);
} catch (error) {
  port.postMessage({ ready: false, error: serializeDbError(mapSqliteError(error)) } satisfies WorkerReady);
  port.close();
}

/** /proc/thread-self names this thread on Linux ("<pid>/task/<tid>"); other systems have no such path. */
function linuxThreadId(): number | undefined {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    return Number.isInteger(tid) && tid > 0 ? tid : undefined;
  } catch {
    return undefined;
  }
}

function rowsOf(value: unknown): ExecuteReply["rows"] | undefined {
  return value !== null && typeof value === "object" && "rows" in value ? (value as FetchReply).rows : undefined;
}

port.on("message", (request: WorkerRequest) => {
  const db = database;
  if (!db) return;
  let reply: WorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const value = db.handle(request);
    const rows = rowsOf(value);
    if (rows) transfer = transferablesOf(rows);
    reply = { id: request.id, ok: true, value, inTransaction: db.inTransaction };
  } catch (error) {
    reply = {
      id: request.id,
      ok: false,
      error: serializeDbError(mapSqliteError(error)),
      inTransaction: db.inTransaction,
    };
  }
  if (db.abandoned) {
    // Whatever this statement did stays uncommitted; closing rolls it back and releases the file's locks.
    db.close();
    port.close();
    return;
  }
  port.postMessage(reply, transfer);
  if (request.op === "close") port.close();
});
