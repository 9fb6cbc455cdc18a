import { Global, Module } from '@nestjs/common';
import { Notifications } from './notifications.service';

/** What users are told of changes: the header's notifications and their mails. */
@Global()
@Module({ providers: [Notifications], exports: [Notifications] })
export class NotificationsModule {}
