/** The API's answers as the pages read them (the subset of fields pages show). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ContactView {
  id: string;
  familyName: string;
  givenName: string | null;
  nativeName: string | null;
  salutation: string | null;
  position: string | null;
  companyId: string | null;
  partnerId: string | null;
  email: string | null;
  phone: string | null;
  wechatId: string | null;
  languages: string[];
  country: string | null;
  city: string | null;
  notes: string | null;
  tags: string[];
  version: number;
  updatedAt: string;
}

export interface CompanyView {
  id: string;
  name: string;
  legalName: string | null;
  industry: string | null;
  city: string | null;
  country: string;
  website: string | null;
  description: string | null;
  branchCountries: string[];
  version: number;
}

export interface PartnerView {
  id: string;
  name: string;
  nativeName: string | null;
  kind: string;
  country: string;
  city: string | null;
  website: string | null;
  description: string | null;
  version: number;
}

export interface InteractionView {
  id: string;
  occurredAt: string;
  kind: string;
  subject: string;
  summary: string | null;
  location: string | null;
  contactIds: string[];
  companyIds: string[];
  partnerIds: string[];
  tripId: string | null;
  confidential: boolean;
}

export interface FollowUpView {
  id: string;
  title: string;
  notes: string | null;
  dueOn: string | null;
  status: string;
  priority: string;
  assigneeId: string | null;
  companyId: string | null;
  contactId: string | null;
  leadId: string | null;
  version: number;
}

export interface LeadView {
  id: string;
  companyId: string;
  title: string;
  description: string | null;
  stage: string;
  valueEur: number | null;
  expectedCloseOn: string | null;
  contactId: string | null;
  partnerId: string | null;
  tripId: string | null;
  version: number;
}

export interface LeadNoteView {
  id: string;
  authorName?: string;
  authorId: string;
  body: string;
  createdAt: string;
}

export interface TripView {
  id: string;
  title: string;
  purpose: string | null;
  destinations: { country: string; city: string }[];
  startsOn: string;
  endsOn: string;
  status: string;
  version: number;
  produced?: unknown;
}

export interface AppointmentView {
  id: string;
  title: string;
  kind: string;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  city: string | null;
  venue: string | null;
  restricted: boolean;
}

export interface ParticipantView {
  id: string;
  name: string;
  function: string | null;
  companyId: string | null;
  costBearer: string | null;
  estimatedCostEur: number | null;
}

export interface AgreementView {
  id: string;
  partnerId: string;
  title: string;
  kind: string;
  status: string;
  signedOn: string | null;
}

export interface TimelineItemView {
  type: string;
  id: string;
  at: string;
  title: string;
  [key: string]: unknown;
}
