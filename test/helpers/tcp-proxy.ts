import { createServer, Server, Socket, connect } from 'node:net';
import { createTestDatabase, dropTestDatabase, startTestApp, TestApp } from './app';

/** A TCP proxy in front of PostgreSQL that a test can cut and restore, to simulate an outage. */
export class TcpProxy {
  private server: Server | undefined;
  private sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async up(): Promise<void> {
    if (this.server) return;
    this.server = createServer((client) => {
      const upstream = connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    const address = this.server.address();
    if (typeof address === 'object' && address) this.port = address.port;
  }

  /** Stops accepting and cuts every open connection. */
  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
    this.server = undefined;
  }
}

export interface BehindProxy {
  app: TestApp;
  /** Cut (`down()`) and restore (`up()`) the app's connections to its database. */
  proxy: TcpProxy;
  /** The database itself, not through the proxy. */
  databaseUrl: string;
}

/**
 * Registers this file's app on a fresh database that it reaches through a TcpProxy (started
 * before the file's tests, stopped after them); it gives up connecting after a second.
 */
export function useAppBehindProxy(): BehindProxy {
  const world = {} as BehindProxy;
  beforeAll(async () => {
    const databaseUrl = await createTestDatabase();
    const target = new URL(databaseUrl);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.up();
    const viaProxy = new URL(databaseUrl);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const app = await startTestApp({
      databaseUrl,
      appDatabaseUrl: viaProxy.toString(),
      env: { DB_CONNECT_TIMEOUT_MS: '1000' },
    });
    Object.assign(world, { app, proxy, databaseUrl });
  });
  afterAll(async () => {
    await world.proxy?.up().catch(() => undefined);
    await world.app?.stop();
    await world.proxy?.down();
    if (world.databaseUrl) await dropTestDatabase(world.databaseUrl);
  });
  return world;
}
