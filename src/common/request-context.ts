import { AsyncLocalStorage } from 'node:async_hooks';

/** The request being served, for the few places (audit, the session cache) that need it. */
export interface RequestContext {
  requestId: string;
  /** It ended or altered sessions (src/auth/session-listener.ts waits before it answers). */
  sessionsChanged?: boolean;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const runInRequest = <T>(context: RequestContext, fn: () => T): T =>
  storage.run(context, fn);

export const runWithRequestId = <T>(requestId: string, fn: () => T): T =>
  runInRequest({ requestId }, fn);

export const currentRequestId = (): string | undefined => storage.getStore()?.requestId;

/**
 * Says that the current request ends or alters sessions (revokes one, changes a user's role):
 * its answer then waits until this instance's session cache has heard of it, so the caller's
 * next request, here or on another instance, meets the change.
 */
export function markSessionsChanged(): void {
  const context = storage.getStore();
  if (context) context.sessionsChanged = true;
}
