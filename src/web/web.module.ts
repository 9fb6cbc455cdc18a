import { Module } from '@nestjs/common';
import { AccountPages } from './account.pages';
import { AssetsController } from './assets.controller';
import { CompanyPages } from './companies.pages';
import { ContactPages } from './contacts.pages';
import { CrmPages } from './crm.pages';
import { EditPages } from './edit.pages';
import { LogPages } from './log.pages';
import { PartnerPages } from './partners.pages';
import { RecordPages } from './records.pages';
import { SearchPages } from './search.pages';
import { WebApi } from './kit/web-api';

/** The browser front end: server-rendered pages over the HTTP API, served at `/`. */
@Module({
  controllers: [
    AssetsController,
    AccountPages,
    CompanyPages,
    ContactPages,
    CrmPages,
    EditPages,
    LogPages,
    PartnerPages,
    RecordPages,
    SearchPages,
  ],
  providers: [WebApi],
})
export class WebModule {}
