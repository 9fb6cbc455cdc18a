import type { Role } from '../auth/permissions';
import type { Choice } from './kit/forms';
import { countries, countryName, HOME_ZONE, money } from './kit/format';
import { Html, html } from './kit/html';
import { label, Locale, t } from './kit/i18n';

/**
 * The trip pages' pure parts — destinations typed as lines, the time zones a trip's appointments
 * are offered in, the costs as a role may see them — kept apart from the routes so they are
 * unit-tested without booting Nest.
 */

export interface Destination {
  country: string;
  city: string | null;
}

/** Country names in either language → their code, so "China, Peking" works as well as "CN, Peking". */
const codeByName = (() => {
  const map = new Map<string, string>();
  for (const locale of ['de', 'en'] as const)
    for (const c of countries(locale)) map.set(c.label.toLocaleLowerCase(locale), c.value);
  return map;
})();

/** One destination per line, `CN, Peking` (or `China, Peking`, or `CN` alone) → `[{country, city}]`. */
export function parseDestinations(text: string): Destination[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const comma = line.indexOf(',');
      const head = (comma < 0 ? line : line.slice(0, comma)).trim();
      const city = comma < 0 ? '' : line.slice(comma + 1).trim();
      const country =
        head.length === 2
          ? head.toUpperCase()
          : (codeByName.get(head.toLocaleLowerCase('de')) ?? head.toUpperCase());
      return { country, city: city || null };
    });
}

/** The destinations as the form shows them: `CN, Peking` per line. */
export const destinationLines = (destinations: Destination[] | undefined): string =>
  (destinations ?? []).map((d) => (d.city ? `${d.country}, ${d.city}` : d.country)).join('\n');

/** `Peking, China · Shanghai, China` */
export const destinationNames = (destinations: Destination[], locale: Locale): string =>
  destinations
    .map((d) => [d.city, countryName(d.country, locale)].filter(Boolean).join(', '))
    .join(' · ');

/** The IANA zones of a country (`CN` → Asia/Shanghai, Asia/Urumqi), as ICU knows them. */
export function zonesOfCountry(country: string): string[] {
  try {
    const region = new Intl.Locale(`und-${country}`) as Intl.Locale & {
      timeZones?: string[];
      getTimeZones?: () => string[];
    };
    return region.getTimeZones?.() ?? region.timeZones ?? [];
  } catch {
    return [];
  }
}

const ALL_ZONES: string[] = Intl.supportedValuesOf('timeZone');

/**
 * The zones an appointment is offered in: the trip's destinations' first (with their country),
 * then Berlin, then every zone there is. The record's own zone is always among them.
 */
export function zoneChoices(
  destinations: Destination[],
  locale: Locale,
  current?: string,
): Choice[] {
  const first: Choice[] = [];
  const seen = new Set<string>();
  const add = (zone: string, country?: string) => {
    if (seen.has(zone)) return;
    seen.add(zone);
    first.push({
      value: zone,
      label: country ? `${zone} – ${countryName(country, locale)}` : zone,
    });
  };
  for (const d of destinations) for (const zone of zonesOfCountry(d.country)) add(zone, d.country);
  if (current) add(current);
  add(HOME_ZONE, 'DE');
  return [
    ...first,
    ...ALL_ZONES.filter((zone) => !seen.has(zone)).map((zone) => ({ value: zone, label: zone })),
  ];
}

/** Where a new appointment most likely happens: the zone asked for, else the first destination's. */
export function defaultZone(destinations: Destination[], wanted?: string): string {
  if (wanted && (ALL_ZONES.includes(wanted) || wanted === HOME_ZONE)) return wanted;
  for (const d of destinations) {
    const zones = zonesOfCountry(d.country);
    if (zones.length) return zones[0];
  }
  return HOME_ZONE;
}

/** An appointment on one clock: `14:00–15:30`, `(the next day)` when it ends after midnight. */
export const clockSpan = (
  locale: Locale,
  clock: { date: string; startTime: string; endDate: string; endTime: string },
): string =>
  `${clock.startTime}–${clock.endTime}${clock.endDate !== clock.date ? ` (${t(locale, 'nextDay')})` : ''}`;

export interface CostLine {
  participantId: string;
  name: string;
  function: string | null;
  companyId: string | null;
  costBearer: string;
  estimatedCostEur: number | null;
}

export interface CostReport {
  participants: number;
  byBearer: {
    self: { count: number; totalEur: number };
    agency: { count: number; totalEur: number };
  };
  agencyTotalEur: number;
  selfTotalEur: number;
  lines: CostLine[];
}

const people = (locale: Locale, n: number) =>
  `${n} ${n === 1 ? t(locale, 'delegateCount') : t(locale, 'delegatesCount')}`;

/**
 * The costs as the role sees them: the agency its totals by who pays; a company user the lines of
 * its own delegates (the API gives it nothing else) — or, when it has none, a sentence saying so
 * instead of an agency total of nought.
 */
export function costsBody(locale: Locale, role: Role, costs: CostReport): Html {
  const dl = (rows: [string, string][]) =>
    html`<dl class="facts">${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
  if (role !== 'company')
    return dl([
      [
        label(locale, 'costBearer', 'agency'),
        `${people(locale, costs.byBearer.agency.count)} · ${money(costs.agencyTotalEur, locale)}`,
      ],
      [
        label(locale, 'costBearer', 'self'),
        `${people(locale, costs.byBearer.self.count)} · ${money(costs.selfTotalEur, locale)}`,
      ],
      [
        t(locale, 'total'),
        `${people(locale, costs.participants)} · ${money(costs.agencyTotalEur + costs.selfTotalEur, locale)}`,
      ],
    ]);
  if (costs.lines.length === 0)
    return html`<p class="muted" id="no-own-delegates">${t(locale, 'noOwnDelegates')}</p>`;
  const total = costs.lines.reduce((sum, line) => sum + (line.estimatedCostEur ?? 0), 0);
  return html`<ul class="cost-lines">
      ${costs.lines.map(
        (line) =>
          html`<li>
            <strong>${line.name}</strong>${line.function ? html` <span class="muted">· ${line.function}</span>` : ''}
            · ${label(locale, 'costBearer', line.costBearer)}${line.estimatedCostEur !== null ? html` · ${money(line.estimatedCostEur, locale)}` : ''}
          </li>`,
      )}
    </ul>
    ${dl([[t(locale, 'total'), `${people(locale, costs.lines.length)} · ${money(total, locale)}`]])}`;
}
