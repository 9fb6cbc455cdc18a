/**
 * What an API test file starts with, from one module: its app, signed-in admin, cast, kit and
 * client, started before the file's tests and stopped after them, and the helpers' types.
 *
 *   import { Cast, Kit, Session, TestApp, useWorld } from './helpers/world';
 *   let app: TestApp, admin: Session, c: Cast, make: Kit;
 *   useWorld((w) => ({ app, admin, c, make } = w));
 */
import type { Api } from './api';
import { StartOptions, TestApp, startTestApp } from './app';
import { Session, loginAdmin } from './auth';
import { Kit, kit } from './make';
import { Cast, cast } from './roles';

export type { Api, CallOptions } from './api';
export type { TestApp } from './app';
export type { Session } from './auth';
export type { Appointment, Kit, Made, Participant, Trip, User } from './make';
export type { Cast, RoleCheck, RoleName } from './roles';

/** A test file's app with its admin signed in, the admin's kit and client. */
export interface AppWorld {
  app: TestApp;
  admin: Session;
  make: Kit;
  /** The admin's client: it sends If-Match itself (`api.as(other)` for another caller). */
  api: Api;
}
/** …and the five callers of every role matrix. */
export interface World extends AppWorld {
  c: Cast;
}

/** How to start the app; `timeout` for a start that seeds much (the demo). */
export type WorldOptions = StartOptions & { timeout?: number };

function use<W>(
  { timeout, ...options }: WorldOptions,
  build: (app: TestApp, admin: Session) => Promise<W>,
  fill: (w: W) => void,
): void {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await startTestApp(options);
    fill(await build(app, await loginAdmin(app)));
  }, timeout);
  afterAll(() => app?.stop());
}

const appWorld = (app: TestApp, admin: Session): AppWorld => {
  const make = kit(app, admin);
  return { app, admin, make, api: make.api };
};

/** Registers this file's start (before all its tests) and stop (after them): app, admin, kit. */
export const useApp = (fill: (w: AppWorld) => void, options: WorldOptions = {}): void =>
  use(options, async (app, admin) => appWorld(app, admin), fill);

/** As `useApp`, with the cast of `helpers/roles.ts`. */
export const useWorld = (fill: (w: World) => void, options: WorldOptions = {}): void =>
  use(
    options,
    async (app, admin) => ({ ...appWorld(app, admin), c: await cast(app, admin) }),
    fill,
  );
