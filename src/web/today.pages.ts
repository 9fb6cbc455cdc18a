import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { WebPages, WebRequest } from '../auth/browser-session';
import { can, isAgency } from '../auth/permissions';
import { UuidParam } from '../common/params';
import { personName } from '../contacts/names';
import { day, HOME_ZONE, shortDay, telHref, weekday } from './kit/format';
import { Html, html } from './kit/html';
import { label, Locale, t } from './kit/i18n';
import { Labels } from './kit/labels';
import { layout, PageContext, pageContext } from './kit/layout';
import { sendPage } from './kit/respond';
import { ContactView, InteractionView, Page } from './kit/views';
import { WebApi } from './kit/web-api';
import type { Appointment, Participant, Trip } from './trips.pages';
import { clockSpan, destinationNames } from './trips.view';
import { chooseTrip, mapLink, neighbours, shownDay, tripDays } from './today.view';
import { w } from './today.words';

/** Where an appointment is: `venue, city`, or ''. */
const placeOf = (a: Appointment): string => [a.venue, a.city].filter(Boolean).join(', ');

/** "Log a contact" at an appointment: the log form with the trip and the appointment preset. */
export const logAtHref = (a: Appointment, contactId?: string): string =>
  `/log?${new URLSearchParams({
    tripId: a.tripId as string,
    appointmentId: a.id,
    ...(contactId && { contactId }),
  }).toString()}`;

/** The appointment's time where it happens, its zone named, and Berlin's beside it. */
function clocks(l: Locale, a: Appointment): Html {
  return html`<p class="when">
    <strong class="local-time">${clockSpan(l, a.local)}</strong>
    <span class="zone">${a.timeZone}</span>
    ${
      a.timeZone !== HOME_ZONE
        ? html`<span class="berlin"
            >· ${t(l, 'berlin')}
            ${a.home.date !== a.local.date ? `${day(a.home.date, l)}, ` : ''}${clockSpan(l, a.home)}</span
          >`
        : ''
    }
  </p>`;
}

/** The place, with a link that opens it on a map. */
function where(l: Locale, a: Appointment): Html {
  const place = placeOf(a);
  return place
    ? html`<p class="where">
        <span>${place}</span>
        <a class="button map-link" href="${mapLink(place)}" rel="noopener" target="_blank"
          >${w(l, 'showMap')}<span class="visually-hidden">: ${place}</span></a
        >
      </p>`
    : html``;
}

/**
 * The phone's pages on a trip: the day's appointments (`/today`) and the people of one
 * appointment (`/trips/:id/appointments/:aid/people`), with "log a contact" preset for it.
 */
@ApiExcludeController()
@WebPages()
@Controller()
export class TodayPages {
  constructor(private readonly api: WebApi) {}

  @Get('today')
  @Allow('trip:read')
  async today(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    const user = ctx.user!;
    const l = ctx.locale;
    const now = new Date();
    // The trips the user travels on; someone who travels on none sees the trips it may see.
    const mine = await this.api.get<Page<Trip>>(
      user,
      '/api/v1/trips?travellerId=me&limit=200&sort=-startsOn',
    );
    const travels = mine.items.length > 0;
    const trips = travels
      ? mine.items
      : (await this.api.get<Page<Trip>>(user, '/api/v1/trips?limit=200&sort=-startsOn')).items;
    const choice = chooseTrip(trips, now, ctx.query.trip);
    const trip = choice.trip;
    const notice = (text: string) => html`<p class="notice" id="today-notice">${text}</p>`;
    const intro = html`${travels ? '' : notice(w(l, 'notTravelling'))}
    ${choice.state === 'next' ? notice(w(l, 'nextTrip').replace('{day}', day(choice.trip!.startsOn, l))) : ''}
    ${choice.state === 'latest' ? notice(w(l, 'latestTrip').replace('{day}', day(choice.trip!.endsOn, l))) : ''}
    ${choice.state === 'none' ? notice(w(l, 'noTrip')) : ''}`;
    const others = choice.underWay.filter((x) => x.id !== trip?.id);
    const body = trip
      ? html`${intro}${
          others.length
            ? html`<p class="also-today">${w(l, 'alsoUnderWay')}:
                ${others.map((x) => html`<a class="button" href="/today?trip=${x.id}">${x.title}</a> `)}</p>`
            : ''
        }${await this.day(ctx, trip, shownDay(trip, now, ctx.query.day))}`
      : intro;
    sendPage(reply, layout(ctx, w(l, 'today'), html`<h1>${w(l, 'todayTitle')}</h1>${body}`));
  }

  /** One day of a trip: the switcher, the day picker, the appointments in local time. */
  private async day(ctx: PageContext, trip: Trip, date: string): Promise<Html> {
    const user = ctx.user!;
    const l = ctx.locale;
    const [appointments, participants] = await Promise.all([
      this.api.get<Page<Appointment>>(user, `/api/v1/trips/${trip.id}/appointments?limit=200`),
      this.api.get<Page<Participant>>(user, `/api/v1/trips/${trip.id}/participants?limit=200`),
    ]);
    const ofDay = appointments.items
      .filter((a) => a.local.date === date)
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
    const labels = new Labels(this.api, user);
    await Promise.all([
      labels.load(
        'partners',
        ofDay.map((a) => a.partnerId),
      ),
      labels.load(
        'companies',
        ofDay.map((a) => a.companyId),
      ),
    ]);
    const names = new Map(participants.items.map((p) => [p.id, p.name]));
    const days = tripDays(trip);
    const { previous, next } = neighbours(trip, date);
    const href = (d: string) => `/today?trip=${trip.id}&day=${d}`;
    const canLog = can(user.role, 'interaction:write');
    const item = (a: Appointment) => {
      const partner = labels.get(a.partnerId);
      const company = labels.get(a.companyId);
      const attendees = a.attendeeIds.map((id) => names.get(id)).filter(Boolean) as string[];
      return html`<li class="appointment card" id="appointment-${a.id}">
        ${clocks(l, a)}
        <h3>${a.title}</h3>
        <p class="badges">
          <span class="badge">${label(l, 'appointmentKind', a.kind)}</span>
          ${a.restricted ? html`<span class="badge warn">${t(l, 'restricted')}</span>` : ''}
        </p>
        ${where(l, a)}
        ${
          partner || company
            ? html`<p class="with">
                <span class="muted">${w(l, 'withWhom')}:</span>
                ${[partner, company].filter(Boolean).join(' · ')}
              </p>`
            : ''
        }
        ${attendees.length ? html`<p class="attendees"><span class="muted">${t(l, 'attendees')}:</span> ${attendees.join(', ')}</p>` : ''}
        <p class="actions">
          <a class="button" href="/trips/${trip.id}/appointments/${a.id}/people" id="people-${a.id}"
            >${w(l, 'people')}<span class="visually-hidden">: ${a.title}</span></a
          >
          ${
            canLog
              ? html`<a class="button primary" href="${logAtHref(a)}" id="log-at-${a.id}"
                  >${t(l, 'logContact')}<span class="visually-hidden">: ${a.title}</span></a
                >`
              : ''
          }
        </p>
      </li>`;
    };
    return html`<section class="today-trip" aria-labelledby="today-day">
      <p class="trip-line">
        <a href="/trips/${trip.id}#itinerary" id="today-trip">${trip.title}</a>
        <span class="muted">${destinationNames(trip.destinations, l)}</span>
      </p>
      <div class="day-switcher">
        ${
          previous
            ? html`<a class="button" rel="prev" id="previous-day" href="${href(previous)}"
                ><span aria-hidden="true">‹</span> ${w(l, 'previousDay')}</a
              >`
            : html`<span></span>`
        }
        <h2 id="today-day">
          ${weekday(date, l)}
          <small class="muted"
            >${w(l, 'dayOf')
              .replace('{n}', String(days.indexOf(date) + 1))
              .replace('{of}', String(days.length))}</small
          >
        </h2>
        ${
          next
            ? html`<a class="button" rel="next" id="next-day" href="${href(next)}"
                >${w(l, 'nextDayLink')} <span aria-hidden="true">›</span></a
              >`
            : html`<span></span>`
        }
      </div>
      <nav aria-label="${w(l, 'tripDays')}">
        <ol class="day-picker">
          ${days.map(
            (d) =>
              html`<li><a href="${href(d)}"${d === date ? html` aria-current="date"` : ''}>${shortDay(d, l)}</a></li>`,
          )}
        </ol>
      </nav>
      ${
        ofDay.length
          ? html`<ol class="today-agenda" id="today-agenda">${ofDay.map(item)}</ol>`
          : html`<p class="empty muted" id="today-empty">${w(l, 'noAppointmentsDay')}</p>`
      }
    </section>`;
  }

  @Get('trips/:id/appointments/:aid/people')
  @Allow('trip:read')
  async people(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) tripId: string,
    @Param('aid', UuidParam()) appointmentId: string,
  ): Promise<void> {
    const ctx = pageContext(request);
    const user = ctx.user!;
    const l = ctx.locale;
    const [trip, a, participants] = await Promise.all([
      this.api.get<Trip>(user, `/api/v1/trips/${tripId}`),
      this.api.get<Appointment>(user, `/api/v1/trips/${tripId}/appointments/${appointmentId}`),
      this.api.get<Page<Participant>>(user, `/api/v1/trips/${tripId}/participants?limit=200`),
    ]);
    const labels = new Labels(this.api, user);
    // The people met there: the partner's and the company's contacts, and those an encounter at
    // this appointment names (contacts are the agency's: a company user is shown its delegates).
    const contacts = isAgency(user) ? await this.contactsAt(ctx, a) : [];
    const met = new Set(contacts.filter((c) => c.met).map((c) => c.contact.id));
    await Promise.all([
      labels.load('partners', [a.partnerId, ...contacts.map((c) => c.contact.partnerId)]),
      labels.load('companies', [
        a.companyId,
        ...participants.items.map((p) => p.companyId),
        ...contacts.map((c) => c.contact.companyId),
      ]),
    ]);
    const attending = a.attendeeIds.length
      ? participants.items.filter((p) => a.attendeeIds.includes(p.id))
      : participants.items;
    const canLog = can(user.role, 'interaction:write');
    const delegate = (p: Participant) => {
      const company = labels.get(p.companyId);
      return html`<li class="person" id="delegate-${p.id}">
        <p class="person-name"><strong>${p.name}</strong></p>
        ${p.function || company ? html`<p class="muted">${[p.function, company].filter(Boolean).join(' · ')}</p>` : ''}
      </li>`;
    };
    const contact = ({ contact: c }: { contact: ContactView }) => {
      // The name in latin letters (family name first for a Chinese name), its own script apart.
      const full = personName(c);
      const native = c.nativeName?.trim() ?? '';
      const romanised =
        native && full.endsWith(` ${native}`) ? full.slice(0, -native.length - 1) : full;
      const organisation = labels.get(c.companyId) || labels.get(c.partnerId);
      return html`<li class="person" id="contact-${c.id}">
        <p class="person-name">
          <a href="/contacts/${c.id}"><strong>${romanised}</strong></a>
          ${native && native !== romanised ? html` <span lang="zh" class="native">${native}</span>` : ''}
          ${met.has(c.id) ? html` <span class="badge">${w(l, 'metHere')}</span>` : ''}
        </p>
        ${c.position || organisation ? html`<p class="muted">${[c.position, organisation].filter(Boolean).join(' · ')}</p>` : ''}
        ${c.wechatId ? html`<p class="wechat">${t(l, 'wechatId')}: <span class="wechat-id">${c.wechatId}</span></p>` : ''}
        <p class="actions">
          ${
            c.phone
              ? html`<a class="button" href="${telHref(c.phone)}" id="call-${c.id}"
                  >${w(l, 'call')} <span class="phone">${c.phone}</span></a
                >`
              : ''
          }
          ${
            c.email
              ? html`<a class="button" href="mailto:${c.email}" id="mail-${c.id}"
                  >${w(l, 'writeMail')}<span class="visually-hidden">: ${c.email}</span></a
                >`
              : ''
          }
          ${
            canLog
              ? html`<a class="button primary" href="${logAtHref(a, c.id)}" id="log-contact-${c.id}"
                  >${w(l, 'logPerson')}<span class="visually-hidden">: ${romanised}</span></a
                >`
              : ''
          }
        </p>
      </li>`;
    };
    const organisations = [labels.get(a.partnerId), labels.get(a.companyId)].filter(Boolean);
    const body = html`<h1>${w(l, 'peopleOf').replace('{title}', a.title)}</h1>
      <div class="appointment-head card">
        ${clocks(l, a)}
        ${where(l, a)}
        ${organisations.length ? html`<p class="with"><span class="muted">${w(l, 'withWhom')}:</span> ${organisations.join(' · ')}</p>` : ''}
        <p class="muted">${t(l, 'trip')}: <a href="/trips/${trip.id}#appointment-${a.id}">${trip.title}</a></p>
        <p class="actions">
          <a class="button" href="/today?trip=${trip.id}&day=${a.local.date}" id="to-day">${w(l, 'toToday')}</a>
          ${canLog ? html`<a class="button primary" href="${logAtHref(a)}" id="log-here">${w(l, 'logHere')}</a>` : ''}
        </p>
      </div>
      ${
        isAgency(user)
          ? html`<section aria-labelledby="h-their-people" id="their-people">
              <h2 id="h-their-people">${w(l, 'theirPeople')} <span class="muted">(${contacts.length})</span></h2>
              ${contacts.length ? html`<ul class="people">${contacts.map(contact)}</ul>` : html`<p class="muted empty">${w(l, 'noPeople')}</p>`}
            </section>`
          : ''
      }
      <section aria-labelledby="h-our-people" id="our-people">
        <h2 id="h-our-people">${w(l, 'ourDelegates')} <span class="muted">(${attending.length})</span></h2>
        ${attending.length ? html`<ul class="people">${attending.map(delegate)}</ul>` : html`<p class="muted empty">${w(l, 'noPeople')}</p>`}
      </section>`;
    sendPage(reply, layout(ctx, w(l, 'peopleOf').replace('{title}', a.title), body));
  }

  /**
   * The contacts of an appointment: those an encounter logged there names first (`met`), then the
   * partner's and the company's people, each once, in the API's order.
   */
  private async contactsAt(
    ctx: PageContext,
    a: Appointment,
  ): Promise<{ contact: ContactView; met: boolean }[]> {
    const user = ctx.user!;
    const none = Promise.resolve({ items: [] as ContactView[] });
    const [interactions, ofPartner, ofCompany] = await Promise.all([
      can(user.role, 'interaction:read')
        ? this.api.get<Page<InteractionView>>(
            user,
            `/api/v1/interactions?appointmentId=${a.id}&limit=50`,
          )
        : Promise.resolve({ items: [] as InteractionView[] }),
      a.partnerId
        ? this.api.get<Page<ContactView>>(
            user,
            `/api/v1/contacts?partnerId=${a.partnerId}&limit=50`,
          )
        : none,
      a.companyId
        ? this.api.get<Page<ContactView>>(
            user,
            `/api/v1/contacts?companyId=${a.companyId}&limit=50`,
          )
        : none,
    ]);
    const metIds = [...new Set(interactions.items.flatMap((i) => i.contactIds))];
    const metContacts = (
      await Promise.all(
        metIds.map((id) => this.api.call<ContactView>(user, 'GET', `/api/v1/contacts/${id}`)),
      )
    )
      .filter((answer) => answer.status === 200)
      .map((answer) => answer.body);
    const seen = new Set<string>();
    const out: { contact: ContactView; met: boolean }[] = [];
    for (const [list, met] of [
      [metContacts, true],
      [ofPartner.items, false],
      [ofCompany.items, false],
    ] as const)
      for (const contact of list)
        if (!seen.has(contact.id)) {
          seen.add(contact.id);
          out.push({ contact, met });
        }
    return out;
  }
}
