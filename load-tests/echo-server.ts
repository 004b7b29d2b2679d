// The "plain grpc-js echo" baseline: a bare @grpc/grpc-js server with the proxy's SqlService definition and
// server reflection, no interceptors and no database. Execute answers every request with the same one-row
// result the proxy gives for SELECT 1 on PostgreSQL, so ghz calls it exactly like the proxy and the gap
// between the two is what the proxy adds on top of grpc-js itself.
//
//   npx tsx load-tests/echo-server.ts [--port=0]   prints {"echoPort": N} once it listens
import { Server, ServerCredentials, type sendUnaryData, type UntypedServiceImplementation } from "@grpc/grpc-js";
import {
  type ExecuteResponse,
  type SqlServiceServer,
  SqlServiceService,
} from "../app/src/gen/informix/proxy/v1/sql_service.js";
import { ColumnType } from "../app/src/gen/informix/proxy/v1/values.js";
import { addReflection } from "../app/src/transport/reflection.js";

const ONE_ROW: ExecuteResponse = {
  columns: [
    {
      name: "?column?",
      type: ColumnType.COLUMN_TYPE_INT64,
      nativeType: "int4",
      nullable: true,
      precision: 0,
      scale: 0,
    },
  ],
  rows: [{ values: [{ kind: { $case: "int64Value", value: 1n } }] }],
  rowsAffected: 0n,
  truncated: false,
  elapsedMicros: 0n,
};

const echo: Pick<SqlServiceServer, "execute"> = {
  execute(_call, callback: sendUnaryData<ExecuteResponse>) {
    callback(null, ONE_ROW);
  },
};

const portArg = process.argv.find((a) => a.startsWith("--port="));
const requestedPort = portArg ? Number.parseInt(portArg.slice("--port=".length), 10) : 0;

const server = new Server();
// Only Execute is implemented; grpc-js answers the other methods with UNIMPLEMENTED.
server.addService(SqlServiceService, echo as unknown as UntypedServiceImplementation);
addReflection(server);
server.bindAsync(`127.0.0.1:${requestedPort}`, ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    console.error(error.message);
    process.exit(1);
  }
  console.log(JSON.stringify({ echoPort: port }));
});

const stop = () => server.tryShutdown(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
