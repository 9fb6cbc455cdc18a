import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, ValidateNested } from 'class-validator';
import { FlagFilter, iso, OptionalFlag, OptionalNonNull } from '../common/dto';
import { PageQuery, SortOf } from '../common/pagination';
import type { OptionalMailKind } from '../mail/mail';
import type { Locale } from '../users/user.entity';
import type { Notification } from './notification.entity';
import { NOTICE_KINDS, noticeLine, noticePath, type NoticeParams } from './notices';

export const NOTIFICATION_SORTS = ['createdAt'] as const;

/** `GET /notifications`: newest first, `?unread=true` for those not read yet. */
export class NotificationListQuery extends PageQuery {
  @SortOf(NOTIFICATION_SORTS, '-createdAt')
  override sort?: string = undefined;

  @FlagFilter({ description: 'true: only those not read yet; false: only those read.' })
  unread?: boolean;
}

export class NoticeParamsDto {
  @ApiProperty({ description: 'The lead’s title.' })
  title: string;
  @ApiProperty({ description: 'The lead’s company.' })
  company: string;
  @ApiProperty({ description: 'Who did it.' })
  actor: string;
  @ApiPropertyOptional({ description: 'A note’s first 300 characters.' })
  excerpt?: string;
}

export class NotificationDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ enum: NOTICE_KINDS })
  kind: string;
  @ApiProperty({ description: 'The notice as one line, in the caller’s language.' })
  line: string;
  @ApiProperty({ type: NoticeParamsDto, description: 'What the line is made of.' })
  params: NoticeParams;
  @ApiProperty({ description: 'Where its record is in the web app, e.g. `/leads/{id}`.' })
  link: string;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true })
  readAt: string | null;
}

export class NotificationPageDto {
  @ApiProperty({ type: [NotificationDto] })
  items: NotificationDto[];
  @ApiProperty({ nullable: true, type: String })
  nextCursor: string | null;
}

export class CountDto {
  @ApiProperty()
  count: number;
}

export const toNotificationDto = (n: Notification, locale: Locale): NotificationDto => ({
  id: n.id,
  kind: n.kind,
  line: noticeLine(locale, n.kind, n.params),
  params: n.params,
  link: noticePath(n),
  createdAt: iso(n.createdAt)!,
  readAt: iso(n.readAt),
});

/** Each optional kind of mail: on (true) or off (false). */
export class MailPreferencesDto implements Partial<Record<OptionalMailKind, boolean>> {
  @OptionalFlag({ description: 'The daily digest of follow-ups due (07:00, Berlin).' })
  digest?: boolean;
  @OptionalFlag({ description: 'Company users: a new lead of their company.' })
  'lead-created'?: boolean;
  @OptionalFlag({ description: 'Company users: a lead moved to their company.' })
  'lead-shared'?: boolean;
  @OptionalFlag({ description: 'A note on a lead of their company, or on a lead they own.' })
  'lead-note'?: boolean;
}

/** `GET /me/preferences`: the optional mails that concern the caller's role. */
export class PreferencesDto {
  @ApiProperty({ type: MailPreferencesDto })
  mails: MailPreferencesDto;
}

/** `PATCH /me/preferences`: the kinds named are turned on or off, the others stay. */
export class UpdatePreferencesDto {
  @ApiPropertyOptional({ type: MailPreferencesDto })
  @OptionalNonNull()
  @IsObject({ message: 'mails must be an object of kinds, each true or false' })
  @ValidateNested()
  @Type(() => MailPreferencesDto)
  mails?: MailPreferencesDto;
}
