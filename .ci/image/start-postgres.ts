// Starts a throwaway PostgreSQL on the host for .ci/image.sh (the container reaches it over host networking),
// prints its connection info as one JSON line, and stops it on SIGTERM/SIGINT or when stdin closes.
import { startEmbeddedPostgres } from "../../app/bench/driver-embedded-postgres.js";

const server = await startEmbeddedPostgres();
console.log(JSON.stringify(server.info));
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.resume();
