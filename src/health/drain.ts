import { Server as NetServer, Socket } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * After the grace period, how long answers keep their connections before the listener closes: a
 * client told `Connection: close` at the grace period's end reconnects meanwhile and is accepted
 * before the listener closes (a connection still queued then is reset by the kernel).
 */
const SETTLE_MS = 1000;
/**
 * After the listener closed, how long an idle connection stays open before it is closed: a client
 * may be about to send on it. One slowed by a busy machine took more than half a second (2 resets
 * in a run beside the suite).
 */
const IDLE_MS = 2000;
/**
 * The same for a connection whose last answer, in the settle, kept it: its client is the likeliest
 * to send again, and with 2 s one on a machine loaded far past its two cores still met a reset.
 */
const KEPT_IDLE_MS = 4000;
const POLL_MS = 25;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Ends the HTTP server without cutting a request. Node's own `server.close()` closes idle
 * keep-alive connections at once, and a client sending its next request on one at that moment
 * sees a reset; so does a client whose new connection still waits in the listener's queue when
 * the listener closes. The only safe end of a connection is an answer that says
 * `Connection: close`. So:
 *
 * 1. grace period: every answer says `Connection: close`, so clients reconnect (behind a load
 *    balancer: elsewhere, as readiness is 503);
 * 2. settle: answers keep their connections again for a moment, so no client is on its way to
 *    the listener;
 * 3. the listener closes (a new connection is refused), every answer says `Connection: close`,
 *    each open connection finishes what it carries, and one that sends nothing is closed.
 *
 * A client sees an answer or a refused connection.
 */
export class ConnectionDrain {
  private readonly open = new Set<Socket>();
  /** The connections answered in the settle without being told to close. */
  private readonly kept = new WeakSet<Socket>();
  private closeAfterAnswer = false;
  private retired = false;
  private settling = false;

  constructor(private readonly app: NestFastifyApplication) {
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onSend', (request, reply, payload, done) => {
        if (this.closeAfterAnswer) void reply.header('Connection', 'close');
        else if (this.settling) this.kept.add(request.raw.socket);
        done(null, payload);
      });
    app.getHttpServer().on('connection', (socket: Socket) => {
      this.open.add(socket);
      socket.once('close', () => this.open.delete(socket));
    });
  }

  /** The grace period begins: each answer retires its connection. */
  retireConnections(): void {
    this.closeAfterAnswer = this.retired = true;
  }

  /** Stops taking connections and waits until every open one is answered and closed. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.retired) {
      this.closeAfterAnswer = false;
      this.settling = true;
      await sleep(SETTLE_MS);
      this.settling = false;
    }
    const server = this.app.getHttpServer();
    // The listening socket only: the http server's own close() would also reap idle connections.
    if (server.listening) NetServer.prototype.close.call(server);
    this.closeAfterAnswer = true;
    const stoppedAt = Date.now();
    while (this.open.size > 0 && Date.now() - stoppedAt < timeoutMs) {
      const idleFor = Date.now() - stoppedAt;
      for (const socket of this.open) {
        if (busy(socket)) continue;
        if (idleFor >= (this.kept.has(socket) ? KEPT_IDLE_MS : IDLE_MS)) socket.destroy();
      }
      await sleep(POLL_MS);
    }
  }
}

/** Node's http server keeps the response a connection is serving on the socket. */
const busy = (socket: Socket): boolean =>
  Boolean((socket as Socket & { _httpMessage?: unknown })._httpMessage);
