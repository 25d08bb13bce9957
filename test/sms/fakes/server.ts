import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake provider received it: raw body included, so signatures can be recomputed. */
export interface SeenRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status: number;
  body: string;
  contentType?: string;
}

export const json = (status: number, value: unknown): Reply => ({
  status,
  body: JSON.stringify(value),
  contentType: 'application/json;charset=utf-8',
});
export const text = (status: number, body: string): Reply => ({ status, body, contentType: 'text/plain' });

/** What a fake provider is told to do with the next requests, besides checking them. */
export type Behaviour = 'accept' | 'refuse' | 'http500' | 'hang' | 'malformed';

/**
 * A local HTTP server (127.0.0.1, a free port) that plays a provider. `answer` returns the
 * reply, or `'hang'` to keep the connection open and silent until the server closes.
 */
export class FakeHttpServer {
  private constructor(
    private readonly server: Server,
    readonly origin: string,
    readonly requests: readonly SeenRequest[],
  ) {}

  static async start(answer: (request: SeenRequest) => Reply | 'hang'): Promise<FakeHttpServer> {
    const requests: SeenRequest[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const seen: SeenRequest = {
          method: req.method ?? '',
          url: new URL(req.url ?? '/', 'http://fake.invalid'),
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        requests.push(seen);
        const reply = answer(seen);
        if (reply === 'hang') return;
        res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/json' });
        res.end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new FakeHttpServer(server, `http://127.0.0.1:${port}`, requests);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A port that refuses connections: a server started and closed again. */
export async function closedPortOrigin(): Promise<string> {
  const fake = await FakeHttpServer.start(() => text(200, ''));
  const origin = fake.origin;
  await fake.close();
  return origin;
}
