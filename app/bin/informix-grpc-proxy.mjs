#!/usr/bin/env node
// The installed command (`npx informix-grpc-proxy ...`, package.json "bin"). A committed launcher, so npm can link
// it at install time, before the build has written dist/; it runs the built CLI.
import { existsSync } from "node:fs";

const main = new URL("../dist/main.js", import.meta.url);
if (!existsSync(main)) {
  process.stderr.write("informix-grpc-proxy is not built yet: run `npm run build -w app` (or `npm test`) first\n");
  process.exit(1);
}
await import(main.href);
