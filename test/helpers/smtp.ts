import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A mail as the test SMTP server received it: the envelope's recipients and the parsed message. */
export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: ParsedMail['headers'];
  messageId: string | undefined;
  /** A header as it was sent (unfolded), by its name in any case; undefined when absent. */
  header(name: string): string | undefined;
  raw: ParsedMail;
}

/**
 * A real SMTP server in the test process, over TCP: the app sends to `url` (its SMTP_URL).
 * `down()` closes it (connections refused, as a server that is away), `up()` opens it again on
 * the same port; `refuse(true)` keeps it up but answers every mail with a temporary failure,
 * `refuse('permanent')` with a permanent one (550); `delay(ms)` takes that long to accept each
 * mail's data (a slow server: the mail is received once the wait is over).
 */
export class TestSmtp {
  readonly mails: ReceivedMail[] = [];
  /** Mails whose data is arriving or waiting out `delay` (a client in the middle of sending). */
  receiving = 0;
  private server: SMTPServer;
  private refusing: boolean | 'permanent' = false;
  private dataDelayMs = 0;
  private constructor(private port: number) {
    this.server = this.create();
  }

  static async start(): Promise<TestSmtp> {
    const smtp = new TestSmtp(0);
    await smtp.up();
    return smtp;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  private create(): SMTPServer {
    return new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onMailFrom: (_address, _session, callback) =>
        this.refusing === 'permanent'
          ? callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }))
          : this.refusing
            ? callback(Object.assign(new Error('Try again later'), { responseCode: 451 }))
            : callback(),
      onData: (stream, session, callback) => {
        const wait = this.dataDelayMs;
        this.receiving++;
        simpleParser(stream)
          .then(async (mail) => {
            if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
            this.receiving--;
            this.mails.push({
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              html: typeof mail.html === 'string' ? mail.html : '',
              headers: mail.headers,
              messageId: mail.messageId,
              header: (name) => {
                const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
                return line
                  ?.slice(line.indexOf(':') + 1)
                  .replace(/\r?\n\s+/g, ' ')
                  .trim();
              },
              raw: mail,
            });
            callback();
          })
          .catch((error: Error) => {
            this.receiving--;
            callback(error);
          });
      },
    });
  }

  async up(): Promise<void> {
    this.server = this.create();
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  async down(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  refuse(on: boolean | 'permanent'): void {
    this.refusing = on;
  }

  /** Each mail's data is accepted `ms` after it arrived (0: at once). */
  delay(ms: number): void {
    this.dataDelayMs = ms;
  }

  /** The mails to `address` so far. */
  to(address: string): ReceivedMail[] {
    return this.mails.filter((m) => m.to.includes(address));
  }

  /** Waits until `count` mails match (default: any mail to `address`), else fails after `ms`. */
  async waitFor(
    match: (mail: ReceivedMail) => boolean,
    { count = 1, ms = 15_000 } = {},
  ): Promise<ReceivedMail[]> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.mails.filter(match);
      if (found.length >= count) return found;
      if (Date.now() > deadline)
        throw new Error(
          `expected ${count} mails, got ${found.length}; received: ${JSON.stringify(this.mails.map((m) => [m.to, m.subject]))}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    await this.down();
  }
}
