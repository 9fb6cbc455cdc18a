import { Controller, Delete, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Actor, Allow, CurrentActor, Public } from '../auth/actor';
import { Idempotent } from '../common/idempotency';
import { CalendarFeedDto, toCalendarFeedDto } from './calendar-feeds.dto';
import { CalendarFeedsService } from './calendar-feeds.service';

/** The caller's own calendar subscription. */
@ApiTags('calendar')
@ApiBearerAuth()
@Controller('api/v1/me/calendar-feed')
export class MyCalendarFeedController {
  constructor(private readonly feeds: CalendarFeedsService) {}

  @Get()
  @Allow('account:self')
  async get(@CurrentActor() actor: Actor): Promise<CalendarFeedDto> {
    const feed = await this.feeds.get(actor);
    return toCalendarFeedDto(feed, this.feeds.urlOf(feed));
  }

  /** Creates the subscription, or rotates it: a new secret URL, the old one dead at once. */
  @Post()
  @Allow('account:self')
  @Idempotent()
  async renew(@CurrentActor() actor: Actor): Promise<CalendarFeedDto> {
    const feed = await this.feeds.renew(actor);
    return toCalendarFeedDto(feed, this.feeds.urlOf(feed));
  }

  @Delete()
  @Allow('account:self')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked (or there was none): the URL answers 404.' })
  async revoke(@CurrentActor() actor: Actor): Promise<void> {
    await this.feeds.revoke(actor);
  }
}

/** The feeds themselves: fetched by calendar programs, with the secret in the path for a login. */
@ApiTags('calendar')
@Controller('calendar')
export class CalendarFeedController {
  constructor(private readonly feeds: CalendarFeedsService) {}

  @Get(':file')
  @Public()
  @ApiProduces('text/calendar')
  @ApiOkResponse({
    description:
      "`<token>.ics`: the trips its user travels on and the user's open follow-ups, as iCalendar; 404 for any token that is not live.",
  })
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  feed(@Param('file') file: string): Promise<string> {
    return this.feeds.calendar(file);
  }
}
