// The legacy informix.InformixService (the earlier Java proxy's API), served beside v1 for clients that cannot
// change yet. Off by default. Part of the one schema (ProxyConfig in schema.ts).
import { z } from "zod";

export const CompatConfig = z.strictObject({
  enabled: z
    .boolean()
    .default(false)
    .describe("Serve informix.InformixService (the earlier proxy's API) on the gRPC port"),
  passwordAsBearer: z
    .boolean()
    .default(false)
    .describe(
      "With auth: a Connect without call credentials may carry an API key or JWT of this proxy in its password field",
    ),
  databases: z
    .record(z.string().min(1), z.string().min(1))
    .default({})
    .describe("Database names legacy clients send in Connect, mapped to configured databases"),
  unmatched: z
    .enum(["default", "refuse"])
    .default("default")
    .describe(
      "A Connect naming no configured database: use the default database (default), or refuse it (success = false)",
    ),
});
export type CompatConfig = z.infer<typeof CompatConfig>;
