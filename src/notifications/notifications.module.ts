import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Digest } from './digest.service';
import { Inbox } from './inbox.service';
import { Notification } from './notification.entity';
import { NotificationsController, PreferencesController } from './notifications.controller';
import { Notifications } from './notifications.service';
import { MailPreferences } from './preferences.service';

/**
 * What users are told of changes: the header's notifications and their mails, the preferences of
 * which mails a user receives (and the one-click unsubscribe), the daily digest.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Notification])],
  controllers: [NotificationsController, PreferencesController],
  providers: [Notifications, Inbox, MailPreferences, Digest],
  exports: [Notifications, MailPreferences],
})
export class NotificationsModule {}
