import { connect, createServer, Server, Socket } from 'node:net';

/** One statement the app sent, with its parameters as they went over the wire. */
export interface CapturedStatement {
  sql: string;
  /** Text parameters as strings, binary ones (e.g. bytea) as Buffers, NULL as null. */
  params: (string | Buffer | null)[];
  /** `simple` = a Query message (no parameters), `extended` = Parse/Bind/Execute. */
  protocol: 'simple' | 'extended';
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

/**
 * A TCP proxy in front of PostgreSQL that reads the frontend protocol and records every
 * statement the client executes: each simple Query message and each Execute of the extended
 * protocol (with the SQL of its Parse and the values of its Bind). Counting these is counting
 * what the app really asks the database, whatever the ORM does underneath.
 */
export class StatementCapture {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private log: CapturedStatement[] = [];
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (typeof address === 'object' && address) this.port = address.port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /** Everything recorded since the last call, and a fresh start. */
  take(): CapturedStatement[] {
    const out = this.log;
    this.log = [];
    return out;
  }

  private accept(client: Socket): void {
    const upstream = connect(this.targetPort, this.targetHost);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    upstream.pipe(client);

    let buffer: Buffer = Buffer.alloc(0);
    let started = false;
    // Per connection: the SQL of prepared statements by name, and what each portal will run.
    const prepared = new Map<string, string>();
    const portals = new Map<string, CapturedStatement>();

    client.on('data', (chunk: Buffer) => {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : Buffer.from(chunk);
      const forward: Buffer[] = [];
      for (;;) {
        if (!started) {
          if (buffer.length < 8) break;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) break;
          const code = buffer.readInt32BE(4);
          const message = buffer.subarray(0, length);
          buffer = buffer.subarray(length);
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
            // No encryption between the app and this proxy: the client carries on in plain text.
            client.write('N');
            continue;
          }
          started = true;
          forward.push(message);
          continue;
        }
        if (buffer.length < 5) break;
        const length = buffer.readInt32BE(1);
        if (buffer.length < length + 1) break;
        const type = String.fromCharCode(buffer[0]);
        const body = buffer.subarray(5, length + 1);
        forward.push(buffer.subarray(0, length + 1));
        buffer = buffer.subarray(length + 1);
        this.read(type, body, prepared, portals);
      }
      if (forward.length) upstream.write(Buffer.concat(forward));
    });
  }

  private read(
    type: string,
    body: Buffer,
    prepared: Map<string, string>,
    portals: Map<string, CapturedStatement>,
  ): void {
    if (type === 'Q') {
      this.log.push({ sql: cstring(body, 0).value, params: [], protocol: 'simple' });
    } else if (type === 'P') {
      const name = cstring(body, 0);
      const sql = cstring(body, name.next);
      prepared.set(name.value, sql.value);
    } else if (type === 'B') {
      const portal = cstring(body, 0);
      const statement = cstring(body, portal.next);
      let at = statement.next;
      const formatCount = body.readInt16BE(at);
      at += 2;
      const formats: number[] = [];
      for (let i = 0; i < formatCount; i++, at += 2) formats.push(body.readInt16BE(at));
      const paramCount = body.readInt16BE(at);
      at += 2;
      const params: (string | Buffer | null)[] = [];
      for (let i = 0; i < paramCount; i++) {
        const length = body.readInt32BE(at);
        at += 4;
        if (length < 0) {
          params.push(null);
          continue;
        }
        const value = body.subarray(at, at + length);
        at += length;
        const format = formats.length === 0 ? 0 : formats.length === 1 ? formats[0] : formats[i];
        params.push(format === 1 ? Buffer.from(value) : value.toString('utf8'));
      }
      portals.set(portal.value, {
        sql: prepared.get(statement.value) ?? '',
        params,
        protocol: 'extended',
      });
    } else if (type === 'E') {
      const portal = cstring(body, 0);
      const statement = portals.get(portal.value);
      if (statement) this.log.push(statement);
    }
  }
}

function cstring(buffer: Buffer, start: number): { value: string; next: number } {
  const end = buffer.indexOf(0, start);
  return { value: buffer.toString('utf8', start, end), next: end + 1 };
}
