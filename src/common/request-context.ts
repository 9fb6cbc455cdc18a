import { AsyncLocalStorage } from 'node:async_hooks';

/** The request being served, for the few places (audit) that need its id without a parameter. */
const storage = new AsyncLocalStorage<{ requestId: string }>();

export const runWithRequestId = <T>(requestId: string, fn: () => T): T =>
  storage.run({ requestId }, fn);

export const currentRequestId = (): string | undefined => storage.getStore()?.requestId;
