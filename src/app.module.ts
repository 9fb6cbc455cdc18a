import { hkdfSync } from 'node:crypto';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE, DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AdminModule } from './admin/admin.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CSRF_KEY } from './auth/browser-session';
import { MFA_KEY } from './auth/mfa.service';
import { CalendarFeedsModule } from './calendar-feeds/calendar-feeds.module';
import { CALENDAR_FEED_KEY } from './calendar-feeds/feed-token';
import { CompaniesModule } from './companies/companies.module';
import { ExportsModule } from './exports/exports.module';
import { ContactLogModule } from './interactions/contact-log.module';
import { PartnersModule } from './partners/partners.module';
import { ContactsModule } from './contacts/contacts.module';
import { InteractionsModule } from './interactions/interactions.module';
import { FollowUpsModule } from './follow-ups/follow-ups.module';
import { LeadsModule } from './leads/leads.module';
import { TripsModule } from './trips/trips.module';
import { AgreementsModule } from './agreements/agreements.module';
import { SearchModule } from './search/search.module';
import { MergeModule } from './merge/merge.module';
import { ImportsModule } from './imports/imports.module';
import { CardsModule } from './cards/cards.module';
import { RetentionModule } from './retention/retention.module';
import { PrivacyModule } from './privacy/privacy.module';
import { CommonModule } from './common/common.module';
import { ETagInterceptor } from './common/concurrency';
import { IdempotencyInterceptor } from './common/idempotency';
import { CURSOR_KEY } from './common/pagination';
import { ProblemFilter } from './common/problem.filter';
import { createValidationPipe } from './common/validation';
import { APP_CONFIG, AppConfig } from './config/config';
import { dataSourceOptions } from './database/data-source';
import { HealthModule } from './health/health.module';
import { DATABASE_URL } from './jobs/jobs.service';
import { JobsModule } from './jobs/jobs.module';
import { MAIL_KEY } from './mail/mail';
import { MailModule } from './mail/mail.module';
import { NotificationsModule } from './notifications/notifications.module';
import { pinoOptions } from './logging';
import { UsersModule } from './users/users.module';
import { WebModule } from './web/web.module';

export interface AppOptions {
  config: AppConfig;
  databaseUrl: string;
  jwtSecret: string;
}

@Global()
@Module({})
export class AppModule {
  static forRoot(options: AppOptions): DynamicModule {
    const { config, databaseUrl, jwtSecret } = options;
    // Cursors, CSRF tokens and calendar feed URLs are signed with keys of their own, derived
    // from our one secret.
    const key = (purpose: string) =>
      Buffer.from(hkdfSync('sha256', jwtSecret, 'liaison', purpose, 32));
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({ pinoHttp: pinoOptions(config), forRoutes: ['*path'] }),
        TypeOrmModule.forRoot({
          ...dataSourceOptions(config, databaseUrl),
          autoLoadEntities: true,
        }),
        DiscoveryModule,
        CommonModule,
        HealthModule,
        AuditModule,
        JobsModule,
        MailModule,
        NotificationsModule,
        AuthModule.forRoot(jwtSecret),
        UsersModule,
        // feature modules
        CompaniesModule,
        PartnersModule,
        ContactsModule,
        InteractionsModule,
        FollowUpsModule,
        LeadsModule,
        TripsModule,
        AgreementsModule,
        ExportsModule,
        SearchModule,
        MergeModule,
        ContactLogModule,
        AdminModule,
        CalendarFeedsModule,
        ImportsModule,
        CardsModule,
        RetentionModule,
        PrivacyModule,
        WebModule,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: CURSOR_KEY, useValue: key('keyset cursor') },
        { provide: CSRF_KEY, useValue: key('csrf token') },
        { provide: MFA_KEY, useValue: key('second factor secrets') },
        { provide: MAIL_KEY, useValue: key('mail links') },
        { provide: DATABASE_URL, useValue: databaseUrl },
        { provide: CALENDAR_FEED_KEY, useValue: key('calendar feed') },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        // The first is the outermost: a replayed answer carries the ETag it was first sent with.
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        { provide: APP_INTERCEPTOR, useClass: ETagInterceptor },
      ],
      exports: [
        APP_CONFIG,
        CURSOR_KEY,
        CSRF_KEY,
        MFA_KEY,
        MAIL_KEY,
        DATABASE_URL,
        CALENDAR_FEED_KEY,
      ],
    };
  }
}
