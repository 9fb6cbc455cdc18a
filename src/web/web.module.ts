import { Module } from '@nestjs/common';
import { AccountPages } from './account.pages';
import { AgreementPages } from './agreements.pages';
import { AssetsController } from './assets.controller';
import { CompanyPages } from './companies.pages';
import { CrmPages } from './crm.pages';
import { EditPages } from './edit.pages';
import { LeadPages } from './leads.pages';
import { LogPages } from './log.pages';
import { RecordPages } from './records.pages';
import { UserPages } from './users.pages';
import { WebApi } from './kit/web-api';

/** The browser front end: server-rendered pages over the HTTP API, served at `/`. */
@Module({
  controllers: [
    AssetsController,
    AccountPages,
    AgreementPages,
    CompanyPages,
    CrmPages,
    EditPages,
    LeadPages,
    LogPages,
    RecordPages,
    UserPages,
  ],
  providers: [WebApi],
})
export class WebModule {}
