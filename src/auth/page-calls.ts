import { randomUUID } from 'node:crypto';
import type { Actor } from './actor';

/**
 * The web pages call the API in-process for a user whose session the page request has just
 * checked. Such a call carries a ticket instead of asking the database about the session again:
 * a ticket lives in this process's memory only while its call runs, so no other client can
 * present one, and a revoked session still ends at the next page request. A ticket is a random
 * UUID (122 random bits, from Node's pooled entropy: a page makes up to a dozen calls, and 24
 * bytes of randomBytes each were a hundredth of a trip page's time).
 */
const tickets = new Map<string, Actor>();

export const PAGE_CALL_HEADER = 'x-liaison-page-call';

export async function asPageCall<T>(
  actor: Actor,
  call: (ticket: string) => Promise<T>,
): Promise<T> {
  const ticket = randomUUID();
  tickets.set(ticket, {
    userId: actor.userId,
    role: actor.role,
    companyId: actor.companyId,
    sessionId: actor.sessionId,
    secondFactor: actor.secondFactor,
  });
  try {
    return await call(ticket);
  } finally {
    tickets.delete(ticket);
  }
}

/** The actor of an in-process page call, or undefined for every other request. */
export function pageCallActor(header: string | string[] | undefined): Actor | undefined {
  return typeof header === 'string' ? tickets.get(header) : undefined;
}
