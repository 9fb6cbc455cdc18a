import { apiClient } from './api';
import type { TestApp } from './app';
import { Cast, RoleName, expectStatuses as expectStatusesOf } from './roles';

const ids = (body: { items: { id: string }[] }) => body.items.map((x) => x.id);

/**
 * The soft-delete story every CRM record shares, for the record at `url` (`/api/v1/<kind>/<id>`,
 * still at version 1): agency staff delete (If-Match: none 428, malformed 400, stale 412 with the
 * current ETag) and restore, every role then gets 404 and only the agency sees it in
 * `?deleted=true`; only admin purges, and only a deleted record; `unlink` removes what still
 * refers to it after a purge was refused with 409.
 */
export async function softDeleteStory(
  app: TestApp,
  c: Cast,
  url: string,
  o: { whileDeleted?: () => Promise<void>; unlink?: () => Promise<void> } = {},
): Promise<void> {
  const { admin, staff } = c.sessions;
  const api = apiClient(app, admin);
  const collection = url.slice(0, url.lastIndexOf('/'));
  const id = url.slice(url.lastIndexOf('/') + 1);
  const expectStatuses = (
    expected: Partial<Record<RoleName, number>>,
    call: (a: typeof api) => Promise<{ status: number }>,
  ) =>
    expectStatusesOf(
      c,
      expected,
      async (_, s) => (await call(api.as(s))).status,
      Object.keys(expected) as RoleName[],
    );
  const outsiders = { viewer: 403, own: 403, foreign: 403 };

  await expectStatuses(outsiders, (a) => a.delete(url, { ifMatch: '"1"' }));
  const asStaff = api.as(staff);
  expect((await asStaff.delete(url, { ifMatch: null })).status).toBe(428);
  expect((await asStaff.delete(url, { ifMatch: 'W/"1"' })).status).toBe(400);
  const stale = await asStaff.delete(url, { ifMatch: '"9"' });
  expect(stale.status).toBe(412);
  expect(stale.headers.etag).toBe('"1"');
  expect((await asStaff.delete(url, { ifMatch: '"1"' })).status).toBe(204);

  await expectStatuses({ admin: 404, staff: 404, viewer: 404, own: 404, foreign: 404 }, (a) =>
    a.get(url),
  );
  expect(ids((await api.get(`${collection}?limit=200`)).body)).not.toContain(id);
  expect(ids((await asStaff.get(`${collection}?deleted=true&limit=200`)).body)).toContain(id);
  await expectStatuses({ viewer: 403, own: 403 }, (a) => a.get(`${collection}?deleted=true`));
  await o.whileDeleted?.();

  await expectStatuses(outsiders, (a) => a.post(`${url}/restore`));
  const restored = await asStaff.post(`${url}/restore`);
  expect(restored.status).toBe(200);
  expect(restored.body).toMatchObject({ id, deletedAt: null, version: 3 });
  expect(restored.headers.etag).toBe('"3"');
  expect((await asStaff.post(`${url}/restore`)).status).toBe(404);

  expect((await api.post(`${url}/purge`)).status).toBe(404);
  expect((await api.delete(url, { ifMatch: '"3"' })).status).toBe(204);
  await expectStatuses({ staff: 403, ...outsiders }, (a) => a.post(`${url}/purge`));
  if (o.unlink) {
    expect((await api.post(`${url}/purge`)).status).toBe(409);
    await o.unlink();
  }
  expect((await api.post(`${url}/purge`)).status).toBe(204);
  expect((await api.post(`${url}/restore`)).status).toBe(404);
  expect((await api.post(`${url}/purge`)).status).toBe(404);
}
