// The configuration used when there is no file: the embedded SQLite demo on loopback, ready in one minute.
import { join, resolve } from "node:path";
import { ProxyConfig } from "./schema.js";

/** Where the demo database lives when nothing says otherwise, relative to the working directory. */
export const DEFAULT_DATA_DIR = ".data";

/** The demo as raw input (before defaults), so environment overrides can apply to it like to a file. */
export function embeddedDemoInput(dataDir: string): Record<string, unknown> {
  return {
    server: { host: "127.0.0.1", grpcPort: 50051, httpPort: 9090 },
    databases: {
      demo: { driver: "sqlite", path: join(dataDir, "demo.db"), demo: true, default: true },
    },
  };
}

export function embeddedDemoConfig(dataDir: string = resolve(process.cwd(), DEFAULT_DATA_DIR)): ProxyConfig {
  return ProxyConfig.parse(embeddedDemoInput(dataDir));
}
