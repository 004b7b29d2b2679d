// The malformed-request generator of the fault suite, from a fixed seed so every run sends the same bytes:
// garbage on the TCP port, a valid HTTP/2 preface followed by garbage frames, gRPC messages whose protobuf is
// random or a mutated valid request, broken gRPC framing (length prefix longer than the body, compressed flag
// without an encoding, a declared length far beyond the limit), and wrong paths, methods and content types.
// Each request ends (END_STREAM, or our half of the TCP connection), so the proxy always has all it will get.
import { type ClientHttp2Session, connect as connectHttp2, constants } from "node:http2";
import { connect as connectTcp } from "node:net";
import { ExecuteRequest } from "../../app/src/gen/informix/proxy/v1/sql_service.js";

export const FUZZ_SEED = 0x10f417;
export const SETTLE_TIMEOUT_MS = 10_000;
// OpenSession is left out: a fuzzed body that happens to decode as a valid OpenSession opens a real session,
// which holds a pool connection until it idles out; session floods are open-session-flood's business.
const METHODS = ["Execute", "ExecuteStream", "ExecuteBatch", "Prepare", "DescribeTable", "ListTables", "Ping"];

/** mulberry32: a small PRNG with a fixed seed, so every run sends the same bytes. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind = "tcp-garbage" | "preface-garbage" | "random-protobuf" | "mutated-protobuf" | "bad-framing" | "bad-headers";
const MIX: Array<[Kind, number]> = [
  ["tcp-garbage", 0.1],
  ["preface-garbage", 0.1],
  ["random-protobuf", 0.25],
  ["mutated-protobuf", 0.25],
  ["bad-framing", 0.15],
  ["bad-headers", 0.15],
];

/** Sends total malformed requests to target (host:port), 200 at a time; returns one outcome per request. */
export async function fuzz(
  target: string,
  total: number,
  seed: number,
  stop: () => boolean = () => false,
): Promise<string[]> {
  const random = prng(seed);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  const valid = Buffer.from(
    ExecuteRequest.encode(
      ExecuteRequest.fromPartial({
        sql: "SELECT id, name FROM fault_items WHERE id = ?",
        params: [{ kind: { $case: "int64Value", value: 7n } }],
        maxRows: 10,
      }),
    ).finish(),
  );
  const port = Number(target.split(":")[1]);
  const outcomes: string[] = [];
  const sessions: ClientHttp2Session[] = [];
  const session = (i: number): ClientHttp2Session => {
    let s = sessions[i % 4];
    if (!s || s.destroyed || s.closed) {
      s = connectHttp2(`http://${target}`);
      s.on("error", () => {});
      sessions[i % 4] = s;
    }
    return s;
  };
  const pickKind = (): Kind => {
    let r = random();
    for (const [kind, share] of MIX) {
      if (r < share) return kind;
      r -= share;
    }
    return "bad-headers";
  };

  const one = async (i: number): Promise<string> => {
    const kind = pickKind();
    if (kind === "tcp-garbage" || kind === "preface-garbage") {
      const payload =
        kind === "tcp-garbage"
          ? bytes(1 + Math.floor(random() * 2048))
          : Buffer.concat([Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), bytes(1 + Math.floor(random() * 1024))]);
      return `${kind}: ${await rawTcp(port, payload)}`;
    }
    const method = METHODS[Math.floor(random() * METHODS.length)] as string;
    let path = `/informix.proxy.v1.SqlService/${method}`;
    let headers: Record<string, string> = { "content-type": "application/grpc", te: "trailers" };
    let body: Buffer;
    if (kind === "random-protobuf") {
      body = frame(bytes(Math.floor(random() * 512)));
    } else if (kind === "mutated-protobuf") {
      const copy = Buffer.from(valid);
      for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips--) {
        copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
      }
      const cut = random() < 0.3 ? copy.subarray(0, Math.floor(random() * copy.length)) : copy;
      body = frame(cut);
    } else if (kind === "bad-framing") {
      const payload = bytes(Math.floor(random() * 64));
      const variant = Math.floor(random() * 3);
      const prefix = Buffer.alloc(5);
      prefix.writeUInt8(variant === 1 ? 1 : 0, 0);
      prefix.writeUInt32BE(variant === 2 ? 0x7fffffff : payload.length + 1 + Math.floor(random() * 100), 1);
      body = Buffer.concat([prefix, payload]);
    } else {
      body = frame(valid);
      const variant = Math.floor(random() * 4);
      if (variant === 0) path = `/informix.proxy.v1.SqlService/${bytes(8).toString("hex")}`;
      if (variant === 1) path = `/${bytes(6).toString("base64url")}`;
      if (variant === 2) headers = { "content-type": "text/plain", te: "trailers" };
      if (variant === 3) headers = { "content-type": "application/grpc" };
    }
    return `${kind}: ${await http2Request(session(i), path, headers, body)}`;
  };

  // A few hundred at a time: the fuzz should stress the parser, not the runner.
  for (let i = 0; i < total; i += 200) {
    const batch = await Promise.all(Array.from({ length: Math.min(200, total - i) }, (_, j) => one(i + j)));
    outcomes.push(...batch);
    if (stop()) break;
  }
  for (const s of sessions) s.destroy();
  return outcomes;
}

function frame(message: Buffer): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

function http2Request(
  session: ClientHttp2Session,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<string> {
  return new Promise((resolve) => {
    let outcome = "closed without status";
    let settled = false;
    const done = (value: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => {
      request.close(constants.NGHTTP2_CANCEL);
      done("no answer");
    }, SETTLE_TIMEOUT_MS);
    let request: ReturnType<ClientHttp2Session["request"]>;
    try {
      request = session.request({ ":method": "POST", ":path": path, ...headers });
    } catch {
      clearTimeout(timer);
      return resolve("session refused the stream");
    }
    request.on("response", (h) => {
      if (h["grpc-status"] !== undefined) outcome = `grpc-status ${h["grpc-status"]}`;
      else outcome = `http ${h[":status"]}`;
    });
    request.on("trailers", (t) => {
      if (t["grpc-status"] !== undefined) outcome = `grpc-status ${t["grpc-status"]}`;
    });
    request.on("error", () => {
      outcome = "stream reset";
    });
    request.on("close", () => done(outcome));
    request.on("data", () => {});
    request.end(body);
  });
}

function rawTcp(port: number, payload: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = connectTcp(port, "127.0.0.1");
    const timer = setTimeout(() => {
      socket.destroy();
      resolve("no answer");
    }, SETTLE_TIMEOUT_MS);
    // The request ends with our half of the connection; a client that stalls mid-frame is silent-sockets' case.
    socket.on("connect", () => socket.end(payload));
    socket.on("data", () => {});
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve("closed by the proxy");
    });
  });
}
