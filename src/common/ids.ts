const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a value is a record's id as the API takes it (a UUID, either case): what a page checks
 * a link's or a form's value against before it asks the API, and a cursor or a feed's token
 * before they reach SQL.
 */
export const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && UUID.test(value);
