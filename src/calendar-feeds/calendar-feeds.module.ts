import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FollowUpsModule } from '../follow-ups/follow-ups.module';
import { TripsModule } from '../trips/trips.module';
import { CalendarFeed } from './calendar-feed.entity';
import { CalendarFeedController, MyCalendarFeedController } from './calendar-feeds.controller';
import { CalendarFeedsService } from './calendar-feeds.service';

/** Calendar subscriptions: a user's trips and follow-ups at a secret URL (webcal://…). */
@Module({
  imports: [TypeOrmModule.forFeature([CalendarFeed]), TripsModule, FollowUpsModule],
  controllers: [MyCalendarFeedController, CalendarFeedController],
  providers: [CalendarFeedsService],
  exports: [CalendarFeedsService],
})
export class CalendarFeedsModule {}
