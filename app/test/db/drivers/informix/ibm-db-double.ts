// A scripted stand-in for ibm_db, used ONLY because no Informix server can run on our machines (see
// docs/informix.md): it answers by SQL text with the value shapes ibm_db 4 really produces, and records
// every call so the tests can check what the driver asked the database to do.
import type {
  IbmDbCell,
  IbmDbColumnMetadata,
  IbmDbDatabase,
  IbmDbModule,
  IbmDbParam,
  IbmDbResult,
  IbmDbStatement,
} from "../../../../src/db/drivers/informix/ibm-db-api.js";

export interface ScriptedAnswer {
  columns?: IbmDbColumnMetadata[];
  rows?: IbmDbCell[][];
  affected?: number;
  error?: unknown;
  /** Never settles: a statement stuck in the server. */
  hang?: boolean;
}

export function column(name: string, type: number, typeName: string, precision = 0, scale = 0): IbmDbColumnMetadata {
  return {
    index: 0,
    SQL_DESC_NAME: name,
    SQL_DESC_TYPE_NAME: typeName,
    SQL_DESC_CONSIZE_TYPE: type,
    SQL_DESC_DISPLAY_SIZE: 0,
    SQL_DESC_PRECISION: precision,
    SQL_DESC_SCALE: scale,
    SQL_DESC_LENGTH: precision,
  };
}

export class ScriptedIbmDbNoServer {
  readonly log: string[] = [];
  readonly fetchSizes: number[] = [];
  openStatements = 0;
  private readonly script = new Map<string, ScriptedAnswer>();

  answer(sql: string, answer: ScriptedAnswer): this {
    this.script.set(sql, answer);
    return this;
  }

  database(): IbmDbDatabase {
    const self = this;
    return {
      connected: true,
      async prepare(sql: string): Promise<IbmDbStatement> {
        self.log.push(`prepare ${sql}`);
        self.openStatements++;
        return self.statement(sql);
      },
      async query(): Promise<never> {
        throw new Error("the driver should not use query()");
      },
      async beginTransaction() {
        self.log.push("beginTransaction");
        return true;
      },
      async commitTransaction() {
        self.log.push("commitTransaction");
        return true;
      },
      async rollbackTransaction() {
        self.log.push("rollbackTransaction");
        return true;
      },
      async close() {
        self.log.push("close");
        return true;
      },
      closeSync() {
        self.log.push("closeSync");
        return true;
      },
    };
  }

  module(open: IbmDbModule["open"]): IbmDbModule {
    return { open, FETCH_ARRAY: 3, SQL_ATTR_QUERY_TIMEOUT: 0, SQL_DROP: 1 };
  }

  private statement(sql: string): IbmDbStatement {
    const self = this;
    let dropped = false;
    return {
      async execute(params?: IbmDbParam[]): Promise<IbmDbResult> {
        self.log.push(`execute ${sql} ${JSON.stringify(params ?? [])}`);
        const answer = self.script.get(sql);
        if (!answer) throw new Error(`no scripted answer for: ${sql}`);
        if (answer.hang) return new Promise<IbmDbResult>(() => undefined);
        if (answer.error) throw answer.error;
        return self.result(answer);
      },
      setAttrSync: () => true,
      closeSync() {
        if (!dropped) {
          dropped = true;
          self.openStatements--;
        }
        return true;
      },
    };
  }

  private result(answer: ScriptedAnswer): IbmDbResult {
    const self = this;
    const rows = [...(answer.rows ?? [])];
    return {
      async fetchN(count: number, options: { fetchMode: number }) {
        if (options.fetchMode !== 3) throw new Error("expected FETCH_ARRAY");
        self.fetchSizes.push(count);
        return rows.splice(0, count);
      },
      getColumnMetadataSync: () => answer.columns ?? [],
      getAffectedRowsSync: () => answer.affected ?? -1,
      closeSync: () => true,
    };
  }
}
