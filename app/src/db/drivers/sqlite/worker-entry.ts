// Where the worker's entry file is. Built, it is worker.js beside this module. Run from the TypeScript sources
// (vitest, tsx), this module is a .ts file and the worker loads worker.ts through tsx, which maps the sources'
// ".js" import specifiers to their ".ts" files.
export interface WorkerEntry {
  url: URL;
  execArgv: string[];
}

export function sqliteWorkerEntry(): WorkerEntry {
  const fromSources = import.meta.url.endsWith(".ts");
  return fromSources
    ? { url: new URL("./worker.ts", import.meta.url), execArgv: ["--import", "tsx"] }
    : { url: new URL("./worker.js", import.meta.url), execArgv: [] };
}
