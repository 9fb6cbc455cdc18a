import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller';
import { JobsAdmin } from './admin.service';

/** The admins' view of the machinery: jobs and the outbox (API; the pages are in web/). */
@Module({ controllers: [AdminController], providers: [JobsAdmin] })
export class AdminModule {}
