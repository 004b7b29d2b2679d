// Interactive mode of `sql` (no statement given): statements end with ";" and may span lines; backslash
// commands run at once: \d lists tables, \d NAME describes one, \c NAME switches database, \format sets the
// output, \begin [isolation] / \commit / \rollback run a transaction on a session of its own, \ping, \? and \q.
// History is kept in IGP_HISTORY_FILE (default ~/.informix_grpc_proxy_history) on a terminal. Without a
// terminal (a pipe) it reads statements the same way and prints no prompts, for scripts.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import {
  type DescribeTableResponse,
  IsolationLevel,
  type ListTablesResponse,
  type OpenSessionResponse,
  type PingResponse,
  TableKind,
} from "../gen/informix/proxy/v1/sql_service.js";
import { ColumnType } from "../gen/informix/proxy/v1/values.js";
import { formatRows, OUTPUT_FORMATS, type OutputFormat } from "./output-format.js";
import type { ProxyConnection } from "./proxy-connection.js";
import { describeError, runStatement, summaryLine, unaryCall } from "./statement-runner.js";
import { formatTable } from "./table-format.js";

export interface ReplOptions {
  database: string;
  format: OutputFormat;
  timeoutMs: number;
  input: Readable & { isTTY?: boolean };
  output: Writable;
  env?: Record<string, string | undefined>;
}

const HELP = [
  "statements end with ; and may span lines. Commands:",
  "  \\d              list tables and views        \\d NAME        describe a table",
  "  \\c NAME         use another configured database",
  "  \\format table|csv|json                         \\ping          round trip to the database",
  "  \\begin [read_committed|serializable|...]       \\commit        \\rollback",
  "  \\?              this help                     \\q             quit",
].join("\n");

const ISOLATION: Record<string, IsolationLevel> = {
  "": IsolationLevel.ISOLATION_LEVEL_UNSPECIFIED,
  read_uncommitted: IsolationLevel.ISOLATION_LEVEL_READ_UNCOMMITTED,
  read_committed: IsolationLevel.ISOLATION_LEVEL_READ_COMMITTED,
  repeatable_read: IsolationLevel.ISOLATION_LEVEL_REPEATABLE_READ,
  serializable: IsolationLevel.ISOLATION_LEVEL_SERIALIZABLE,
};

const TYPE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(ColumnType)
    .filter(([, v]) => typeof v === "number")
    .map(([name, v]) => [v, name.replace("COLUMN_TYPE_", "").toLowerCase()]),
);

export async function runRepl(conn: ProxyConnection, options: ReplOptions): Promise<number> {
  const env = options.env ?? process.env;
  const interactive = options.input.isTTY === true;
  const historyFile = env.IGP_HISTORY_FILE ?? join(homedir(), ".informix_grpc_proxy_history");
  const history =
    interactive && existsSync(historyFile) ? readFileSync(historyFile, "utf8").split("\n").filter(Boolean) : [];
  const rl = createInterface({
    input: options.input,
    output: options.output,
    terminal: interactive,
    history: history.reverse(),
    historySize: 1000,
  });
  if (interactive) {
    rl.on("history", (lines: string[]) => {
      try {
        writeFileSync(historyFile, `${[...lines].reverse().join("\n")}\n`, { mode: 0o600 });
      } catch {
        // A read-only home folder costs the history, not the session.
      }
    });
  }
  const print = (text: string) => options.output.write(`${text}\n`);
  let database = options.database;
  let format = options.format;
  let sessionId: string | undefined;
  let failures = 0;
  const prompt = () => {
    if (!interactive) return;
    rl.setPrompt(`${database || "igp"}${sessionId ? "*" : ""}> `);
    rl.prompt();
  };
  const fail = (error: unknown) => {
    failures++;
    print(describeError(error));
  };

  const endTransaction = async (action: "commit" | "rollback") => {
    if (!sessionId) {
      print("no transaction: \\begin first");
      return;
    }
    const id = sessionId;
    sessionId = undefined;
    try {
      await unaryCall(conn, action, { sessionId: id }, options.timeoutMs);
      print(action === "commit" ? "COMMIT" : "ROLLBACK");
    } finally {
      await unaryCall(conn, "closeSession", { sessionId: id }, options.timeoutMs).catch(() => undefined);
    }
  };

  const command = async (line: string): Promise<boolean> => {
    const [name = "", ...args] = line.trim().split(/\s+/);
    const arg = args.join(" ");
    switch (name) {
      case "\\q":
        return false;
      case "\\?":
        print(HELP);
        break;
      case "\\d":
      case "\\dt":
        if (arg) {
          const described = await unaryCall<unknown, DescribeTableResponse>(
            conn,
            "describeTable",
            { database, schema: "", table: arg },
            options.timeoutMs,
          );
          const rows = described.columns.map((c) =>
            [c.name, TYPE_NAMES[c.type] ?? "", c.nativeType, c.nullable ? "yes" : "no"].map(text),
          );
          print(formatTable(headers(["column", "type", "native type", "nullable"]), rows));
          if (described.primaryKey.length > 0) print(`primary key: ${described.primaryKey.join(", ")}`);
          for (const index of described.indexes) {
            print(`index ${index.name}${index.unique ? " (unique)" : ""}: ${index.columns.join(", ")}`);
          }
        } else {
          const listed = await unaryCall<unknown, ListTablesResponse>(
            conn,
            "listTables",
            { database, schema: "", namePattern: "", includeViews: true },
            options.timeoutMs,
          );
          const rows = listed.tables.map((t) =>
            [t.schema, t.name, t.kind === TableKind.TABLE_KIND_VIEW ? "view" : "table"].map(text),
          );
          print(formatTable(headers(["schema", "name", "kind"]), rows));
        }
        break;
      case "\\c":
        if (sessionId) print("finish the transaction first (\\commit or \\rollback)");
        else {
          database = arg;
          print(`database: ${arg || "(the proxy's default)"}`);
        }
        break;
      case "\\format":
        if (!OUTPUT_FORMATS.includes(arg as OutputFormat)) print(`formats: ${OUTPUT_FORMATS.join(", ")}`);
        else format = arg as OutputFormat;
        break;
      case "\\ping": {
        const ping = await unaryCall<unknown, PingResponse>(conn, "ping", { database }, options.timeoutMs);
        print(`${ping.database}: ${ping.serverVersion}, ${(Number(ping.latencyMicros) / 1000).toFixed(1)} ms`);
        break;
      }
      case "\\begin": {
        const isolation = ISOLATION[arg.toLowerCase()];
        if (sessionId) {
          print("a transaction is already open");
          break;
        }
        if (isolation === undefined) {
          print(`isolation levels: ${Object.keys(ISOLATION).filter(Boolean).join(", ")}`);
          break;
        }
        const opened = await unaryCall<unknown, OpenSessionResponse>(
          conn,
          "openSession",
          { database },
          options.timeoutMs,
        );
        try {
          await unaryCall(
            conn,
            "beginTransaction",
            { sessionId: opened.sessionId, isolation, readOnly: false },
            options.timeoutMs,
          );
        } catch (error) {
          await unaryCall(conn, "closeSession", { sessionId: opened.sessionId }, options.timeoutMs).catch(
            () => undefined,
          );
          throw error;
        }
        sessionId = opened.sessionId;
        print("BEGIN");
        break;
      }
      case "\\commit":
      case "\\rollback":
        await endTransaction(name === "\\commit" ? "commit" : "rollback");
        break;
      default:
        print(`unknown command ${name}: \\? lists them`);
    }
    return true;
  };

  const statement = async (sql: string) => {
    const result = await runStatement(conn, sql, {
      database,
      ...(sessionId ? { sessionId } : {}),
      params: [],
      timeoutMs: options.timeoutMs,
    });
    if (result.columns.length > 0) for (const line of formatRows(format, result.columns, result.rows)) print(line);
    if (format === "table") print(summaryLine(result));
  };

  if (interactive) print(`connected to ${conn.address}${conn.tls ? " (TLS)" : ""}; \\? for help, \\q to quit`);
  let buffer = "";
  prompt();
  try {
    for await (const raw of rl) {
      const line = raw.trimEnd();
      // A backslash command runs at once, even in the middle of a statement (as in psql).
      if (line.trim().startsWith("\\")) {
        try {
          if (!(await command(line))) break;
        } catch (error) {
          fail(error);
        }
      } else if (line.trim() !== "" || buffer !== "") {
        buffer = buffer ? `${buffer}\n${line}` : line;
        if (buffer.trimEnd().endsWith(";")) {
          const sql = buffer.trimEnd().replace(/;+$/, "");
          buffer = "";
          if (sql.trim() !== "") await statement(sql).catch(fail);
        } else if (interactive) {
          rl.setPrompt("...> ");
          rl.prompt();
          continue;
        }
      }
      prompt();
    }
    // A last statement without its ";" still runs when the input ends (scripts).
    if (buffer.trim() !== "") await statement(buffer.trim()).catch(fail);
  } finally {
    rl.close();
    if (sessionId) {
      print("closing: the open transaction is rolled back");
      await unaryCall(conn, "closeSession", { sessionId }, options.timeoutMs).catch(() => undefined);
    }
  }
  return failures > 0 && !interactive ? 1 : 0;
}

function text(value: string) {
  return { kind: { $case: "stringValue" as const, value } };
}

function headers(names: string[]) {
  return names.map((name) => ({
    name,
    type: ColumnType.COLUMN_TYPE_STRING,
    nativeType: "",
    nullable: true,
    precision: 0,
    scale: 0,
  }));
}
