import net from 'node:net';

/**
 * A TCP relay between the service and a real server (Redis, PostgreSQL, MySQL), so a test
 * can take the server away, bring it back, or make it stop answering, without touching
 * the server other tests share.
 */
export class TcpRelay {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private stalled = false;
  port = 0;

  constructor(
    private readonly upstream: URL,
    private readonly defaultPort = 6379,
  ) {}

  get url(): string {
    const url = new URL(this.upstream);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  async up(): Promise<void> {
    const server = net.createServer((client) => {
      const redis = net.connect(Number(this.upstream.port || this.defaultPort), this.upstream.hostname);
      for (const socket of [client, redis]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {});
      }
      client.on('data', (chunk) => {
        if (!this.stalled) redis.write(chunk);
      });
      redis.pipe(client);
      client.on('close', () => redis.destroy());
      redis.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Redis goes away: listening stops and every open connection is cut. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  /** Redis stays connected but stops answering (a stuck or overloaded server). */
  stall(stalled: boolean): void {
    this.stalled = stalled;
  }
}
