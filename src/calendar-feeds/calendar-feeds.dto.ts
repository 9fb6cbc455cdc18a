import { ApiProperty } from '@nestjs/swagger';
import { iso } from '../common/dto';
import type { CalendarFeed } from './calendar-feed.entity';

/** The caller's calendar subscription: the secret URL in the two spellings calendar apps take. */
export class CalendarFeedDto {
  @ApiProperty({
    description:
      'The feed over HTTPS (or HTTP, as PUBLIC_URL says): for Google Calendar\'s "From URL" and Outlook on the web. Secret: anyone who has it reads the calendar.',
    example: 'https://liaison.example/calendar/0b9c…-….AbC…xyz.ics',
  })
  url: string;

  @ApiProperty({
    description: 'The same URL with the scheme webcal://: a link that opens the calendar app.',
    example: 'webcal://liaison.example/calendar/0b9c…-….AbC…xyz.ics',
  })
  webcalUrl: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  lastUsedAt: string | null;
}

/** `url` is the feed's whole public URL; webcal is that URL with its scheme replaced. */
export const toCalendarFeedDto = (feed: CalendarFeed, url: string): CalendarFeedDto => ({
  url,
  webcalUrl: url.replace(/^https?:/, 'webcal:'),
  createdAt: iso(feed.createdAt)!,
  lastUsedAt: iso(feed.lastUsedAt),
});
