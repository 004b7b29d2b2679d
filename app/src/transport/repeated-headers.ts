// Node's HTTP/2 server keeps only the first value of a header it treats as single-valued (authorization among
// them) and silently drops the rest, so grpc-js metadata would show one credential when the client sent two, and
// which one a proxy in front of us forwarded or logged is anybody's guess. This hook reads the raw header list of
// each new stream before grpc-js does and, when a watched header occurs more than once, hands grpc-js every value,
// so the authenticators see the repetition (metadata.get() returns them all) and refuse the call.
//
// grpc-js does not expose its HTTP/2 servers; they sit in the Server's private `http2Servers` map. If that ever
// changes, watchRepeatedHeaders throws and the proxy refuses to start rather than authenticate without the check.
import type { Http2Server, Http2Stream, IncomingHttpHeaders } from "node:http2";
import type { Server } from "@grpc/grpc-js";

/** Headers whose repetition must reach the authenticators. */
export const WATCHED_HEADERS = ["authorization"] as const;

const hooked = new WeakSet<object>();

export function watchRepeatedHeaders(server: Server, names: readonly string[] = WATCHED_HEADERS): void {
  const http2Servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(http2Servers instanceof Map)) {
    throw new Error(
      "cannot inspect raw request headers: @grpc/grpc-js no longer keeps its HTTP/2 servers where expected",
    );
  }
  for (const http2Server of http2Servers.keys() as IterableIterator<Http2Server>) {
    if (hooked.has(http2Server)) continue;
    hooked.add(http2Server);
    http2Server.prependListener(
      "stream",
      (_stream: Http2Stream, headers: IncomingHttpHeaders, _flags: number, rawHeaders: string[]) => {
        for (const name of names) {
          const values: string[] = [];
          for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
            if (rawHeaders[i]?.toLowerCase() === name) values.push(rawHeaders[i + 1] ?? "");
          }
          // grpc-js turns an array into one metadata entry per value.
          if (values.length > 1) (headers as Record<string, string | string[]>)[name] = values;
        }
      },
    );
  }
}
