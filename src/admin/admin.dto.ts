import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { iso, ListQuery, OneOfFilter } from '../common/dto';
import { PageQuery } from '../common/pagination';
import type { JobRow, JobState } from '../jobs/jobs.service';
import type { Mail } from '../mail/mail.entity';
import type { MailState } from '../mail/mailer.service';

export const JOB_STATES = [
  'created',
  'retry',
  'active',
  'completed',
  'cancelled',
  'failed',
] as const satisfies readonly JobState[];
export const MAIL_STATES = ['queued', 'sent', 'kept', 'failed'] as const satisfies MailState[];

// ---- Jobs ----

export class JobCountsDto {
  @ApiProperty() created: number;
  @ApiProperty() retry: number;
  @ApiProperty() active: number;
  @ApiProperty() completed: number;
  @ApiProperty() cancelled: number;
  @ApiProperty() failed: number;
}

export class QueueDto {
  @ApiProperty({ example: 'mail' }) name: string;
  @ApiProperty({ type: JobCountsDto }) counts: JobCountsDto;
}

export class QueueListDto {
  @ApiProperty({ type: [QueueDto] }) items: QueueDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Always null: every queue is listed.' })
  nextCursor: null;
}

/** `?state=` (default failed), `?limit=&cursor=`; newest first, no other sort. */
export class JobListQuery extends OmitType(PageQuery, ['sort'] as const) {
  @OneOfFilter(JOB_STATES)
  state: JobState = 'failed';
}

export class JobDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'mail' }) queue: string;
  @ApiProperty({ enum: JOB_STATES }) state: JobState;
  @ApiProperty({ type: 'object', additionalProperties: true }) data: object;
  @ApiProperty({ nullable: true, type: String, description: 'The last attempt’s error.' })
  error: string | null;
  @ApiProperty({ description: 'Attempts made so far.' }) attempts: number;
  @ApiProperty() retryCount: number;
  @ApiProperty() retryLimit: number;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) startedAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'When it completed or failed.' })
  endedAt: string | null;
}

export class JobPageDto {
  @ApiProperty({ type: [JobDto] }) items: JobDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

const attemptsOf = (job: JobRow) =>
  job.state === 'created' ? 0 : job.state === 'retry' ? job.retryCount : job.retryCount + 1;

export const toJobDto = (job: JobRow): JobDto => ({
  id: job.id,
  queue: job.name,
  state: job.state,
  data: job.data,
  error: job.output && typeof job.output.message === 'string' ? job.output.message : null,
  attempts: attemptsOf(job),
  retryCount: job.retryCount,
  retryLimit: job.retryLimit,
  createdAt: job.createdOn.toISOString(),
  startedAt: iso(job.startedOn),
  endedAt: iso(job.completedOn),
});

// ---- The outbox ----

export class OutboxQuery extends ListQuery(
  ['createdAt'],
  '-createdAt',
  'Words that must each occur in the recipient or the subject.',
) {
  @OneOfFilter(MAIL_STATES) state?: MailState;

  @ApiPropertyOptional({ example: 'lead-created' })
  @IsOptional()
  @Matches(/^[a-z][a-z-]{0,39}$/, { message: 'kind must be a kind of mail such as lead-created' })
  kind?: string;
}

export class MailSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'lead-created' }) kind: string;
  @ApiProperty() recipient: string;
  @ApiProperty() subject: string;
  @ApiProperty({
    enum: MAIL_STATES,
    description: 'queued: waiting to be sent; sent; kept: in the outbox (no SMTP); failed.',
  })
  state: MailState;
  @ApiProperty() attempts: number;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) sentAt: string | null;
}

export class MailDto extends MailSummaryDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) userId: string | null;
  @ApiProperty({ example: 'de' }) locale: string;
  @ApiProperty({ description: 'The sender (MAIL_FROM).' }) from: string;
  @ApiProperty() textBody: string;
  @ApiProperty({ description: 'Show it only in a sandbox: it is a document of its own.' })
  htmlBody: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  headers: Record<string, string>;
  @ApiProperty({ nullable: true, type: String }) messageId: string | null;
}

export class MailPageDto {
  @ApiProperty({ type: [MailSummaryDto] }) items: MailSummaryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export const toMailSummaryDto = (m: Mail): MailSummaryDto => ({
  id: m.id,
  kind: m.kind,
  recipient: m.recipient,
  subject: m.subject,
  state: m.state,
  attempts: m.attempts,
  lastError: m.lastError,
  createdAt: m.createdAt.toISOString(),
  sentAt: iso(m.sentAt),
});

export const toMailDto = (m: Mail, from: string): MailDto => ({
  ...toMailSummaryDto(m),
  userId: m.userId,
  locale: m.locale,
  from,
  textBody: m.textBody,
  htmlBody: m.htmlBody,
  headers: m.headers,
  messageId: m.messageId,
});
