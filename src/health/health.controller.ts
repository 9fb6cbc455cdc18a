import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Public } from '../auth/actor';
import { ServiceUnavailable } from '../common/errors';
import { Lifecycle } from './lifecycle';
import { NotRateLimited } from '../auth/rate-limits';

const READY_TIMEOUT_MS = 2000;

@ApiTags('health')
@NotRateLimited()
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly lifecycle: Lifecycle,
  ) {}

  /** The process is up. */
  @Get()
  @Public()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The process can serve: not draining, and the database answers within two seconds. */
  @Get('ready')
  @Public()
  async ready(): Promise<{ status: 'ready'; database: 'up' }> {
    if (this.lifecycle.shuttingDown) throw new ServiceUnavailable('Shutting down.');
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.db.query('SELECT 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), READY_TIMEOUT_MS);
        }),
      ]);
    } catch {
      throw new ServiceUnavailable('The database is not reachable.');
    } finally {
      clearTimeout(timer);
    }
    return { status: 'ready', database: 'up' };
  }
}
