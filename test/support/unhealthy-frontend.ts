// A Temporal frontend that is still coming up, for start-up tests: a TCP port whose connections go to a
// gRPC server answering every GetSystemInfo with UNAVAILABLE "Frontend is not healthy yet" (what the
// dev server says in the seconds after its port opens), until `becomeHealthy()` is called; from then on
// new connections are piped to the real server behind it.
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { freePort } from './ports';

export interface UnhealthyFrontend {
  address: string;
  /** GetSystemInfo calls refused so far. */
  refused(): number;
  becomeHealthy(): void;
  close(): Promise<void>;
}

const GET_SYSTEM_INFO = '/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo';
const raw = (b: Buffer) => b;

/** `upstream` is the real frontend's host:port, or null for one that never becomes healthy. */
export async function startUnhealthyFrontend(upstream: string | null): Promise<UnhealthyFrontend> {
  let refused = 0;
  let healthy = false;
  const grpcServer = new grpc.Server();
  grpcServer.addService(
    { GetSystemInfo: { path: GET_SYSTEM_INFO, requestStream: false, responseStream: false, requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw } },
    {
      GetSystemInfo: (_call: unknown, callback: grpc.sendUnaryData<Buffer>) => {
        refused += 1;
        callback({ code: grpc.status.UNAVAILABLE, details: 'Frontend is not healthy yet' });
      },
    },
  );
  const grpcPort = await new Promise<number>((resolve, reject) => {
    grpcServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, port) => (e ? reject(e) : resolve(port)));
  });
  const sockets = new Set<net.Socket>();
  const toFake = new Set<net.Socket>();
  const proxy = net.createServer((client) => {
    const real = healthy && upstream !== null;
    const [host, port] = real ? [upstream.split(':')[0], Number(upstream.split(':')[1])] : ['127.0.0.1', grpcPort];
    const server = net.connect(port, host);
    if (!real) toFake.add(client);
    for (const s of [client, server]) {
      sockets.add(s);
      s.once('close', () => { sockets.delete(s); toFake.delete(s); });
      s.on('error', () => { client.destroy(); server.destroy(); });
    }
    client.pipe(server).pipe(client);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${port}`,
    refused: () => refused,
    becomeHealthy: () => {
      healthy = true;
      // A client that reuses its open connection must reach the real server too: close the fake ones.
      for (const s of toFake) s.destroy();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      grpcServer.forceShutdown();
    },
  };
}
