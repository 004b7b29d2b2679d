// A loopback TCP relay in front of a real server (the run's PostgreSQL), for network faults without touching
// the server other test files use: cut() resets every relayed connection and refuses new ones (the database
// vanished), freeze() keeps every socket open but moves no byte either way (a partition or a frozen server;
// new connections are accepted and held, as a kernel's listen backlog would), restore() and resume() undo
// them. The relayed connections are real sockets; the bytes are PostgreSQL's own.
import { connect, createServer, type Server, type Socket } from "node:net";

export interface TcpRelay {
  readonly port: number;
  /** Client connections currently open through the relay. */
  connections(): number;
  /** Connections accepted since start (connect attempts that reached the relay). */
  accepted(): number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  freeze(): void;
  resume(): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket | undefined;
}

export async function startTcpRelay(target: { host: string; port: number }): Promise<TcpRelay> {
  const pairs = new Set<Pair>();
  let frozen = false;
  let acceptedCount = 0;
  let server: Server | undefined;
  let port = 0;

  const link = (pair: Pair) => {
    const upstream = connect(target.port, target.host);
    pair.upstream = upstream;
    const end = () => {
      pair.client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    upstream.on("error", end);
    upstream.on("close", end);
    flow(pair);
  };

  // pipe() resumes a paused source on 'drain', so a frozen pair is unpiped, not only paused.
  const flow = (pair: Pair) => {
    if (!pair.upstream) return;
    pair.client.pipe(pair.upstream);
    pair.upstream.pipe(pair.client);
  };
  const hold = (pair: Pair) => {
    if (pair.upstream) {
      pair.client.unpipe(pair.upstream);
      pair.upstream.unpipe(pair.client);
      pair.upstream.pause();
    }
    pair.client.pause();
  };

  const onConnection = (client: Socket) => {
    acceptedCount += 1;
    const pair: Pair = { client, upstream: undefined };
    pairs.add(pair);
    client.on("error", () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    });
    client.on("close", () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    });
    if (frozen) hold(pair);
    else link(pair);
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer(onConnection);
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        const address = s.address();
        port = typeof address === "object" && address ? address.port : port;
        server = s;
        resolve();
      });
    });

  const stopListening = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = undefined;
      if (!s) return resolve();
      s.close(() => resolve());
    });

  await listen();
  return {
    get port() {
      return port;
    },
    connections: () => pairs.size,
    accepted: () => acceptedCount,
    async cut() {
      const closing = stopListening();
      for (const pair of [...pairs]) {
        pair.client.resetAndDestroy();
        pair.upstream?.destroy();
      }
      pairs.clear();
      await closing;
    },
    async restore() {
      if (!server) await listen();
    },
    freeze() {
      frozen = true;
      for (const pair of pairs) hold(pair);
    },
    resume() {
      frozen = false;
      for (const pair of pairs) {
        if (pair.upstream) flow(pair);
        else link(pair);
      }
    },
    async close() {
      frozen = false;
      for (const pair of [...pairs]) {
        pair.client.destroy();
        pair.upstream?.destroy();
      }
      pairs.clear();
      await stopListening();
    },
  };
}
