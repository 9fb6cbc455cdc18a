import { Extensions1764160000000 } from './1764160000000-extensions';
import { Companies1764160100000 } from './1764160100000-companies';
import { Accounts1764160200000 } from './1764160200000-accounts';
import { PartnersContacts1764160300000 } from './1764160300000-partners-contacts';
import { TripsAgreements1764160400000 } from './1764160400000-trips-agreements';
import { LeadsInteractionsFollowUps1764160500000 } from './1764160500000-leads-interactions-follow-ups';
import { PartnersUpdatedAt1764160631000 } from './1764160631000-partners-updated-at';
import { WebSessions1764161000000 } from './1764161000000-web-sessions';
import { ContactSearchStatistics1764162000000 } from './1764162000000-contact-search-statistics';
import { UserDirectory1764163000000 } from './1764163000000-user-directory';
import { ListSorts1764163100000 } from './1764163100000-list-sorts';
import { UserEmailNormalized1764163200000 } from './1764163200000-user-email-normalized';
import { IdempotencyKeys1764165000000 } from './1764165000000-idempotency-keys';
import { RateLimits1764165100000 } from './1764165100000-rate-limits';
import { CalendarFeeds1764200000000 } from './1764200000000-calendar-feeds';
import { MailNotifications1764210000000 } from './1764210000000-mail-notifications';
import { NotificationTimes1764220000000 } from './1764220000000-notification-times';
import { OutboxFilters1764240000000 } from './1764240000000-outbox-filters';
import { MatchKeys1764250000000 } from './1764250000000-match-keys';
import { OrganisationMatchKeys1764260000000 } from './1764260000000-organisation-match-keys';
import { Imports1764270000000 } from './1764270000000-imports';
import { Erasure1764280000000 } from './1764280000000-erasure';
import { PrivacyRetention1764290000000 } from './1764290000000-privacy-retention';
import { Mfa1764300000000 } from './1764300000000-mfa';
import { AuditFilters1764310000000 } from './1764310000000-audit-filters';
import { CardScans1764320000000 } from './1764320000000-card-scans';
import { ContactNamePrefix1764330000000 } from './1764330000000-contact-name-prefix';
import { SessionNotify1764340000000 } from './1764340000000-session-notify';
import { PipelineIndexes1764350000000 } from './1764350000000-pipeline-indexes';
import { ForeignKeyIndexes1764360000000 } from './1764360000000-foreign-key-indexes';
import { LeadTotals1764380000000 } from './1764380000000-lead-totals';
import { LeadScopeIndexes1764390000000 } from './1764390000000-lead-scope-indexes';

/** Every migration, in order. Listed rather than globbed so a stale build file can never run. */
export const MIGRATIONS = [
  Extensions1764160000000,
  Companies1764160100000,
  Accounts1764160200000,
  PartnersContacts1764160300000,
  TripsAgreements1764160400000,
  LeadsInteractionsFollowUps1764160500000,
  PartnersUpdatedAt1764160631000,
  WebSessions1764161000000,
  ContactSearchStatistics1764162000000,
  UserDirectory1764163000000,
  ListSorts1764163100000,
  UserEmailNormalized1764163200000,
  IdempotencyKeys1764165000000,
  RateLimits1764165100000,
  CalendarFeeds1764200000000,
  MailNotifications1764210000000,
  NotificationTimes1764220000000,
  OutboxFilters1764240000000,
  MatchKeys1764250000000,
  OrganisationMatchKeys1764260000000,
  Imports1764270000000,
  Erasure1764280000000,
  PrivacyRetention1764290000000,
  Mfa1764300000000,
  AuditFilters1764310000000,
  CardScans1764320000000,
  ContactNamePrefix1764330000000,
  SessionNotify1764340000000,
  PipelineIndexes1764350000000,
  ForeignKeyIndexes1764360000000,
  LeadTotals1764380000000,
  LeadScopeIndexes1764390000000,
];
