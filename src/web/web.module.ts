import { Module, OnModuleInit } from '@nestjs/common';
import { respondToErrorsOf } from '../common/problem.filter';
import { ExportsModule } from '../exports/exports.module';
import { AccountPages } from './account.pages';
import { SecurityPages } from './security.pages';
import { AdminPages } from './admin.pages';
import { AuditPages } from './audit.pages';
import { PasswordPages } from './password.pages';
import { AgreementPages } from './agreements.pages';
import { AppShellController, AssetsController } from './assets.controller';
import { OfflinePages } from './offline.pages';
import { CompanyPages } from './companies.pages';
import {
  CompanyDuplicatePages,
  ContactDuplicatePages,
  PartnerDuplicatePages,
} from './duplicates.pages';
import { ContactPages } from './contacts.pages';
import { DashboardPages } from './dashboard.pages';
import { TodayPages } from './today.pages';
import { ContactCardPage, EXPORT_PAGES } from './exports.pages';
import { FollowUpPages } from './follow-ups.pages';
import { ImportPages } from './imports.pages';
import { CardPages } from './cards.pages';
import { CardsModule } from '../cards/cards.module';
import { InteractionPages } from './interactions.pages';
import { LeadPages } from './leads.pages';
import { LogPages } from './log.pages';
import { NotificationPages, UnsubscribePages } from './notifications.pages';
import { PartnerPages } from './partners.pages';
import { RightsPages } from './rights.pages';
import { PrivacyPages } from './privacy.pages';
import { SearchPages } from './search.pages';
import { TripAppointmentPages, TripPages, TripParticipantPages } from './trips.pages';
import { UserPages } from './users.pages';
import { SessionPages, UserSessionPages } from './sessions.pages';
import { sendErrorPage } from './kit/errors';
import { isPageRequest } from './kit/respond';
import { WebApi } from './kit/web-api';

/** The browser front end: server-rendered pages over the HTTP API, served at `/`. */
@Module({
  controllers: [
    AssetsController,
    AppShellController,
    OfflinePages,
    AccountPages,
    SecurityPages,
    AdminPages,
    AuditPages,
    SessionPages,
    UserSessionPages,
    PasswordPages,
    AgreementPages,
    CompanyPages,
    CompanyDuplicatePages,
    ContactDuplicatePages,
    PartnerDuplicatePages,
    ContactPages,
    DashboardPages,
    TodayPages,
    FollowUpPages,
    ImportPages,
    CardPages,
    InteractionPages,
    LeadPages,
    LogPages,
    NotificationPages,
    UnsubscribePages,
    PartnerPages,
    RightsPages,
    PrivacyPages,
    SearchPages,
    TripPages,
    TripParticipantPages,
    TripAppointmentPages,
    UserPages,
    ...EXPORT_PAGES,
    ContactCardPage,
  ],
  imports: [ExportsModule, CardsModule],
  providers: [WebApi],
})
export class WebModule implements OnModuleInit {
  /** Errors of page requests are pages too (a sign-in redirect, a 404 in the user's language). */
  onModuleInit(): void {
    respondToErrorsOf({
      handles: (request) => isPageRequest(request.url),
      send: sendErrorPage,
    });
  }
}
