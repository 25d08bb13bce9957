import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeProvider } from './provider-case.js';

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

/** A request header as one string ('' when absent). */
export function header(req: SeenRequest, name: string): string {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

/** A message that passed a fake provider's checks, and the answer to it for each behaviour but 'hang'. */
export interface Taken {
  message: FakeProvider['received'][number];
  answers: { accept: Reply; refuse: Reply; malformed: Reply; http500?: Reply };
}

/**
 * A provider played by a FakeHttpServer. `check` plays the provider's checks on a request:
 * it returns the refusal, having said why through `turnAway`, or the message it takes with
 * the answers to give. The scaffold keeps the reasons (`problems`) and the messages
 * (`received`), answers as `behaviour` says (a plain 500 unless the provider has its own),
 * and closes the server.
 */
export async function startFakeProvider(
  check: (req: SeenRequest, turnAway: (reason: string, reply: Reply) => Reply) => Reply | Taken,
): Promise<FakeProvider> {
  const fake = {
    behaviour: 'accept' as Behaviour,
    received: [] as FakeProvider['received'],
    problems: [] as string[],
  };
  const turnAway = (reason: string, reply: Reply): Reply => {
    fake.problems.push(reason);
    return reply;
  };
  const server = await FakeHttpServer.start((req) => {
    const checked = check(req, turnAway);
    if (!('message' in checked)) return checked;
    fake.received.push(checked.message);
    if (fake.behaviour === 'hang') return 'hang';
    return checked.answers[fake.behaviour] ?? text(500, 'Internal Server Error');
  });
  return Object.assign(fake, { origin: server.origin, close: () => server.close() });
}
