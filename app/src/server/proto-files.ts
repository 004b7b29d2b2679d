// Locates the .proto files at run time (for server reflection): <repo>/proto, from both src/ and dist/.
import { fileURLToPath } from "node:url";

export const PROTO_ROOT = fileURLToPath(new URL("../../../proto", import.meta.url));
export const API_PROTO_FILES = ["informix/proxy/v1/sql_service.proto", "informix/proxy/v1/values.proto"];
