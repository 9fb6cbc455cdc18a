import { Module } from '@nestjs/common';
import { AccountPages } from './account.pages';
import { AssetsController } from './assets.controller';
import { CompanyPages } from './companies.pages';
import { CrmPages } from './crm.pages';
import { DashboardPages } from './dashboard.pages';
import { EditPages } from './edit.pages';
import { FollowUpPages } from './follow-ups.pages';
import { InteractionPages } from './interactions.pages';
import { LogPages } from './log.pages';
import { RecordPages } from './records.pages';
import { TripPages } from './trips.pages';
import { WebApi } from './kit/web-api';

/** The browser front end: server-rendered pages over the HTTP API, served at `/`. */
@Module({
  controllers: [
    AssetsController,
    AccountPages,
    CompanyPages,
    CrmPages,
    DashboardPages,
    EditPages,
    FollowUpPages,
    InteractionPages,
    LogPages,
    RecordPages,
    TripPages,
  ],
  providers: [WebApi],
})
export class WebModule {}
