import { Module } from '@nestjs/common';
import { AccountPages } from './account.pages';
import { AssetsController } from './assets.controller';
import { CrmPages } from './crm.pages';
import { WebApi } from './web-api';

/** The browser front end: server-rendered pages over the HTTP API, served at `/`. */
@Module({ controllers: [AssetsController, AccountPages, CrmPages], providers: [WebApi] })
export class WebModule {}
