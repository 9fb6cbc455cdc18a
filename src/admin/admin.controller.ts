import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { Idempotent } from '../common/idempotency';
import { UuidParam } from '../common/params';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { Outbox } from '../mail/outbox.service';
import {
  JobDto,
  JobListQuery,
  JobPageDto,
  MailDto,
  MailPageDto,
  OutboxQuery,
  QueueListDto,
  toJobDto,
  toMailDto,
  toMailSummaryDto,
} from './admin.dto';
import { JobsAdmin } from './admin.service';

/** The machinery, for admins: background jobs by queue and state, and the outbox. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1/admin')
export class AdminController {
  constructor(
    private readonly jobs: JobsAdmin,
    private readonly outbox: Outbox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('jobs')
  @Allow('system:admin')
  async queues(): Promise<QueueListDto> {
    return { items: await this.jobs.queues(), nextCursor: null };
  }

  @Get('jobs/:queue')
  @Allow('system:admin')
  async jobList(@Param('queue') queue: string, @Query() query: JobListQuery): Promise<JobPageDto> {
    const page = await this.jobs.list(queue, query);
    return { items: page.items.map(toJobDto), nextCursor: page.nextCursor };
  }

  @Post('jobs/:queue/:id/retry')
  @Idempotent()
  @Allow('system:admin')
  @HttpCode(200)
  async retry(
    @CurrentActor() actor: Actor,
    @Param('queue') queue: string,
    @Param('id', UuidParam()) id: string,
  ): Promise<JobDto> {
    return toJobDto(await this.jobs.retry(actor, queue, id));
  }

  @Get('outbox')
  @Allow('system:admin')
  async mails(@Query() query: OutboxQuery): Promise<MailPageDto> {
    const page = await this.outbox.list(query, query);
    return { items: page.items.map(toMailSummaryDto), nextCursor: page.nextCursor };
  }

  @Get('outbox/:id')
  @Allow('system:admin')
  async mail(@Param('id', UuidParam()) id: string): Promise<MailDto> {
    return toMailDto(await this.outbox.get(id), this.config.mail.from);
  }

  @Post('outbox/:id/resend')
  @Idempotent()
  @Allow('system:admin')
  @HttpCode(200)
  async resend(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<MailDto> {
    return toMailDto(await this.outbox.resend(actor, id), this.config.mail.from);
  }
}
