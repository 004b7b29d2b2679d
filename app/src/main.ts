#!/usr/bin/env node
// Entry point. Checks the Node.js version before loading anything that needs a newer one (node:sqlite,
// current commander), so running it on an old Node gives a clear message instead of a module error.
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  process.stderr.write(
    `informix-grpc-proxy needs Node.js 22.13 or newer (Node 24 recommended); this is ${process.version}.\n` +
      "From a clone, run it through npm (npm start, npm run sql -- ...): the project brings its own Node 24.\n",
  );
  process.exit(1);
}
await import("./cli/program.js");
