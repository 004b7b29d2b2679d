// Bounds on what an error sends back to a client. Text the client supplied (a table name, a database name, a
// statement id) is echoed at most ECHO_MAX_CHARS characters; a whole status message, each ErrorInfo metadata value
// and each BadRequest field are capped again at the edge, so no error can grow the grpc-message and
// grpc-status-details-bin trailers past what HTTP/2 peers accept (a 100 KB table name echoed whole made the
// client reset the connection, failing every other call on it).

export const ECHO_MAX_CHARS = 128;
export const MESSAGE_MAX_CHARS = 512;
export const METADATA_VALUE_MAX_CHARS = 256;
export const METADATA_MAX_ENTRIES = 16;
export const FIELD_VIOLATIONS_MAX = 8;

/** The text cut to `max` code points (never inside a surrogate pair), with "…" when something was cut. */
export function bounded(text: string, max: number = ECHO_MAX_CHARS): string {
  if (text.length <= max) return text;
  const points = Array.from(text);
  return points.length <= max ? text : `${points.slice(0, max).join("")}…`;
}

/** Client-supplied text quoted inside a message: bounded and JSON-quoted so control characters stay visible. */
export function echo(text: string): string {
  return JSON.stringify(bounded(text));
}
