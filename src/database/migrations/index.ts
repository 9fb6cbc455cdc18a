import { Extensions1764160000000 } from './1764160000000-extensions';
import { Companies1764160100000 } from './1764160100000-companies';
import { Accounts1764160200000 } from './1764160200000-accounts';

/** Every migration, in order. Listed rather than globbed so a stale build file can never run. */
export const MIGRATIONS = [Extensions1764160000000, Companies1764160100000, Accounts1764160200000];
