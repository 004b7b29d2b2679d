// The CLI: serve | sql | check-config | print-config.
import { Command, Option } from "commander";
import { stringify } from "yaml";
import { explainConfig } from "../config/explain.js";
import { ConfigError, loadConfig } from "../config/loader.js";
import { redactedConfig } from "../config/redact.js";
import { toggleLogLevelOnSignal } from "../observability/log-level-toggle.js";
import { createLogger } from "../observability/logger.js";
import { startProxy } from "../proxy.js";
import { exitProcess } from "./exit-process.js";
import { runHashKeyCommand } from "./hash-key-command.js";
import { OUTPUT_FORMATS, type OutputFormat } from "./output-format.js";
import { type ConnectionFlags, openConnection, type ProxyConnection } from "./proxy-connection.js";
import { runRepl } from "./repl.js";
import { runSqlCommand } from "./sql-command.js";

interface SqlOptions extends ConnectionFlags {
  database: string;
  param: string[];
  format: OutputFormat;
  json: boolean;
  csv: boolean;
  timeout: number;
}

const program = new Command()
  .name("informix-grpc-proxy")
  .description("gRPC gateway to IBM Informix, PostgreSQL and an embedded SQLite demo")
  .showHelpAfterError();

const configOption = () =>
  new Option("-c, --config <file>", "YAML configuration file (default: PROXY_CONFIG, else the embedded demo)");

async function load(file: string | undefined) {
  try {
    return await loadConfig({ ...(file ? { file } : {}), env: process.env });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

program
  .command("serve")
  .description("run the proxy")
  .addOption(configOption())
  .action(async (options: { config?: string }) => {
    const { config, source } = await load(options.config);
    const logger = createLogger(config.logging.level);
    toggleLogLevelOnSignal(logger, config.logging.level);
    logger.info({ source }, "configuration loaded");
    const proxy = await startProxy({ config, logger }).catch((error: unknown) => {
      // Port in use, unreadable certificate, unreachable secret: one clear line, exit 1, no stack trace.
      logger.fatal({ err: error }, "cannot start");
      process.stderr.write(`cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
    let signals = 0;
    const shutdown = (signal: string) => {
      signals++;
      if (signals > 1) {
        logger.warn({ signal }, "second signal: exiting now");
        exitProcess(1, logger);
      }
      logger.info({ signal }, "shutting down");
      proxy.stop().then(
        () => exitProcess(0, logger),
        (error: unknown) => {
          logger.error({ err: error }, "shutdown failed");
          exitProcess(1, logger);
        },
      );
    };
    process.on("SIGTERM", () => shutdown("SIGTERM"));
    process.on("SIGINT", () => shutdown("SIGINT"));
  });

program
  .command("sql")
  .description("run SQL on a running proxy: one statement, or an interactive session (REPL) without one")
  .argument("[statement]", "SQL text with ? parameters; omit it for the interactive mode (or to read stdin)")
  .option("-a, --address <host:port>", "proxy address (default: IGP_ADDRESS, else the configuration's port)")
  .addOption(configOption())
  .option("-d, --database <name>", "configured database (default: the proxy's default)", "")
  .option("-p, --param <value...>", "positional parameters, sent as strings", [])
  .addOption(new Option("-f, --format <format>", "output format").choices(OUTPUT_FORMATS).default("table"))
  .option("--json", "same as --format json", false)
  .option("--csv", "same as --format csv", false)
  .option("--tls", "connect with TLS (implied by --ca and --cert)", false)
  .option("--ca <file>", "CA certificate that signed the proxy's certificate (default: IGP_CA)")
  .option("--cert <file>", "client certificate for mTLS")
  .option("--key <file>", "client private key for mTLS")
  .option("--server-name <name>", "name to check in the proxy's certificate")
  .option("--api-key <key>", "API key (prefer the IGP_API_KEY environment variable)")
  .option("--token <jwt>", "JWT (prefer the IGP_TOKEN environment variable)")
  .option("-t, --timeout <ms>", "deadline of each call in milliseconds", (v) => Number.parseInt(v, 10), 30_000)
  .action(async (statement: string | undefined, options: SqlOptions) => {
    const format: OutputFormat = options.json ? "json" : options.csv ? "csv" : options.format;
    let conn: ProxyConnection;
    try {
      conn = await openConnection(options);
    } catch (error) {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
      return;
    }
    try {
      process.exitCode =
        statement === undefined
          ? await runRepl(conn, {
              database: options.database,
              format,
              timeoutMs: options.timeout,
              input: process.stdin,
              output: process.stdout,
            })
          : await runSqlCommand(
              conn,
              statement,
              { database: options.database, params: options.param, format, timeoutMs: options.timeout },
              (text) => process.stdout.write(`${text}\n`),
              (text) => process.stderr.write(`${text}\n`),
            );
    } finally {
      conn.client.close();
    }
  });

program
  .command("check-config")
  .description("validate the configuration and explain what it sets up")
  .addOption(configOption())
  .action(async (options: { config?: string }) => {
    const { config, source } = await load(options.config);
    process.stdout.write(`${source}: valid\n`);
    for (const line of explainConfig(config)) process.stdout.write(`  ${line}\n`);
  });

program
  .command("print-config")
  .description("print the effective configuration (defaults and environment overrides applied, secrets redacted)")
  .addOption(configOption())
  .action(async (options: { config?: string }) => {
    const { config } = await load(options.config);
    process.stdout.write(stringify(redactedConfig(config)));
  });

program
  .command("hash-api-key")
  .description("issue an API key: print a new random key (or hash one read from stdin) and its auth.apiKeys entry")
  .requiredOption("-n, --name <name>", "identity name of the key holder (the caller is api_key:<name>)")
  .option("-r, --role <role...>", "roles granted to the key", [])
  .option("--stdin", "hash the key read from stdin instead of generating one", false)
  .action(async (options: { name: string; role: string[]; stdin: boolean }) => {
    process.exitCode = await runHashKeyCommand(
      { name: options.name, roles: options.role, stdin: options.stdin },
      { input: process.stdin, out: process.stdout, err: process.stderr },
    );
  });

await program.parseAsync(process.argv);
