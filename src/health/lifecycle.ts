import { Injectable } from '@nestjs/common';

/** Whether the process is draining: readiness answers 503 from the first moment of shutdown. */
@Injectable()
export class Lifecycle {
  private draining = false;

  get shuttingDown(): boolean {
    return this.draining;
  }

  beginShutdown(): void {
    this.draining = true;
  }
}
