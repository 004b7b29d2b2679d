// PostgreSQL's out-of-band cancel request: a fresh socket carrying the backend's process id and secret
// key (protocol message CancelRequest). It needs no credentials, so it works even when the pool is full.
// The server accepts it without TLS; where the network demands TLS for every socket it fails, and the
// statement then runs to its end (documented limit).
// The request names a backend, not a statement: the connection waits for the cancelled statement to settle
// before it runs the next one, so a cancel cannot hit a later statement unless the packet itself is delayed.
import { connect } from "node:net";

const CANCEL_REQUEST_CODE = 80877102;

export async function sendCancelRequest(
  host: string,
  port: number,
  processId: number,
  secretKey: number,
): Promise<void> {
  const packet = Buffer.alloc(16);
  packet.writeInt32BE(16, 0);
  packet.writeInt32BE(CANCEL_REQUEST_CODE, 4);
  packet.writeUInt32BE(processId >>> 0, 8);
  packet.writeUInt32BE(secretKey >>> 0, 12);
  const socket = host.startsWith("/") ? connect(`${host}/.s.PGSQL.${port}`) : connect(port, host);
  await new Promise<void>((resolve, reject) => {
    socket.setTimeout(5000, () => socket.destroy(new Error("cancel request timed out")));
    socket.once("error", reject);
    socket.once("connect", () => socket.end(packet));
    // The server closes the socket once it has read the request.
    socket.once("close", () => resolve());
  });
}
