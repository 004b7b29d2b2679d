// The layering of app/src (see src/README.md), checked by `npm run lint:layers`. A request travels one way:
//   transport -> rpc -> {auth, policy, sessions, audit} -> db -> sql, with limits/ (admission control) below rpc
// with secrets, config, observability and core below every layer that uses them, and core importing nothing.
// The entry points (main.ts, proxy.ts: the composition root, cli/) sit on top and may use any layer.
// There are no exceptions: a rule that needs one is a design change, made here on purpose.

const STACK = ["transport", "rpc", "auth", "policy", "sessions", "audit", "limits", "db", "sql"];
const CROSS_CUTTING = ["secrets", "config", "observability", "core"];
const ENTRY = "^src/(main\\.ts|proxy\\.ts|cli/)";
const folders = (names) => `^src/(${names.join("|")})/`;

/** `from` may import none of `to`. */
const forbid = (name, comment, from, to) => ({
  name,
  comment,
  severity: "error",
  from: { path: from },
  to: { path: to },
});

module.exports = {
  forbidden: [
    forbid(
      "entry-points-on-top",
      "Only the entry points import main.ts, proxy.ts and cli/.",
      "^src/(?!main\\.ts|proxy\\.ts|cli/)",
      ENTRY,
    ),
    forbid("transport-top-layer", "transport/ is the top layer below the entry points.", folders(["transport"]), ENTRY),
    forbid(
      "rpc-below-transport",
      "rpc/ handlers know nothing of the transport.",
      folders(["rpc"]),
      folders(["transport"]),
    ),
    forbid(
      "domain-below-rpc",
      "auth/, policy/, sessions/ and audit/ sit below rpc/ and import neither rpc/ nor transport/.",
      "^src/(auth|policy|sessions|audit)/",
      "^src/(transport|rpc)/",
    ),
    forbid(
      "limits-below-rpc",
      "limits/ (admission control) sits below rpc/: transport/ hooks it in, and it imports neither rpc/ nor transport/.",
      folders(["limits"]),
      folders(["transport", "rpc"]),
    ),
    {
      name: "domain-peers-independent",
      comment: "auth/, policy/, sessions/ and audit/ do not import each other.",
      severity: "error",
      from: { path: "^src/(auth|policy|sessions|audit)/" },
      to: { path: "^src/(auth|policy|sessions|audit)/", pathNot: "^src/$1/" },
    },
    forbid(
      "db-below-domain",
      "db/ serves the layers above it and imports none of them.",
      folders(["db"]),
      folders(["transport", "rpc", "auth", "policy", "sessions", "audit", "limits"]),
    ),
    forbid(
      "sql-below-db",
      "sql/ is the lowest layer of the stack.",
      folders(["sql"]),
      folders(STACK.filter((l) => l !== "sql")),
    ),
    forbid(
      "cross-cutting-below-stack",
      "secrets/, config/, observability/ and core/ import nothing of the stack.",
      folders(CROSS_CUTTING),
      folders([...STACK, "gen"]),
    ),
    forbid(
      "cross-cutting-below-entry",
      "secrets/, config/, observability/ and core/ import no entry point.",
      folders(CROSS_CUTTING),
      ENTRY,
    ),
    forbid(
      "secrets-above-config",
      "config/ and observability/ are below secrets/.",
      folders(["config", "observability"]),
      folders(["secrets"]),
    ),
    forbid(
      "config-observability-independent",
      "config/ does not import observability/.",
      folders(["config"]),
      folders(["observability"]),
    ),
    forbid(
      "observability-config-independent",
      "observability/ does not import config/.",
      folders(["observability"]),
      folders(["config"]),
    ),
    forbid(
      "core-imports-nothing",
      "core/ is the shared vocabulary and imports nothing else from the app.",
      folders(["core"]),
      "^src/(?!core/)",
    ),
    forbid(
      "generated-code-at-the-edge",
      "Generated protobuf code (gen/) is the wire format: only transport/, rpc/ and the entry points use it.",
      "^src/(?!gen/|transport/|rpc/|main\\.ts|proxy\\.ts|cli/)",
      folders(["gen"]),
    ),
    forbid(
      "generated-code-imports-nothing",
      "gen/ is generated from proto/ and imports nothing of the app.",
      folders(["gen"]),
      "^src/(?!gen/)",
    ),
    {
      name: "no-circular",
      comment: "A cycle ties two modules into one; split out what both need.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      comment: "Every import resolves, so no edge escapes the rules above.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "\\.binpb$" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.build.json" },
    // Packages' "exports" maps, as Node resolves them (e.g. @bufbuild/protobuf/wire).
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
