import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { Idempotent } from '../common/idempotency';
import { UuidParam } from '../common/params';
import { Inbox } from './inbox.service';
import {
  CountDto,
  NotificationDto,
  NotificationListQuery,
  NotificationPageDto,
  PreferencesDto,
  toNotificationDto,
  UpdatePreferencesDto,
} from './notifications.dto';
import { MailPreferences } from './preferences.service';

/** The caller's own notifications: no one sees another's (404). */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/v1/notifications')
export class NotificationsController {
  constructor(private readonly inbox: Inbox) {}

  @Get()
  @Allow('account:self')
  async list(
    @CurrentActor() actor: Actor,
    @Query() query: NotificationListQuery,
  ): Promise<NotificationPageDto> {
    const [page, locale] = await Promise.all([
      this.inbox.list(actor, query),
      this.inbox.localeOf(actor),
    ]);
    return {
      items: page.items.map((n) => toNotificationDto(n, locale)),
      nextCursor: page.nextCursor,
    };
  }

  @Get('unread-count')
  @Allow('account:self')
  async unreadCount(@CurrentActor() actor: Actor): Promise<CountDto> {
    return { count: await this.inbox.unreadCount(actor) };
  }

  @Post('read-all')
  @Allow('account:self')
  @Idempotent()
  @HttpCode(200)
  async readAll(@CurrentActor() actor: Actor): Promise<CountDto> {
    return { count: await this.inbox.readAll(actor) };
  }

  @Post(':id/read')
  @Allow('account:self')
  @Idempotent()
  @HttpCode(200)
  async read(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<NotificationDto> {
    const notification = await this.inbox.read(actor, id);
    return toNotificationDto(notification, await this.inbox.localeOf(actor));
  }
}

/** Which optional mails the caller receives. */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/v1/me/preferences')
export class PreferencesController {
  constructor(private readonly preferences: MailPreferences) {}

  @Get()
  @Allow('account:self')
  async get(@CurrentActor() actor: Actor): Promise<PreferencesDto> {
    return { mails: await this.preferences.get(actor) };
  }

  @Patch()
  @Allow('account:self')
  async update(
    @CurrentActor() actor: Actor,
    @Body() dto: UpdatePreferencesDto,
  ): Promise<PreferencesDto> {
    return { mails: await this.preferences.update(actor, dto.mails ?? {}) };
  }
}
