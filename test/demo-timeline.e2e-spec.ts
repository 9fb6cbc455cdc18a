import { login } from './helpers/auth';
import { Session, TestApp, useApp } from './helpers/world';

let app: TestApp, staff: Session, dovo: Session;
useApp((w) => (app = w.app), { env: { SEED_DEMO: 'true' } });
beforeAll(async () => {
  staff = await login(app, 'staff@liaison.test', 'liaison-demo');
  dovo = await login(app, 'dovo@liaison.test', 'liaison-demo');
});

interface Item {
  type: string;
  event: string;
  at: string;
  title: string;
}

const timelineOf = async (nativeName: string, session: Session = staff): Promise<Item[]> => {
  const found = await app.http
    .get(`/api/v1/contacts?q=${encodeURIComponent(nativeName)}`)
    .set(session.auth);
  expect(found.body.items).toHaveLength(1);
  const res = await app.http
    .get(`/api/v1/contacts/${found.body.items[0].id}/timeline`)
    .set(session.auth);
  expect(res.status).toBe(200);
  return res.body.items as Item[];
};
const line = (i: Item) => `${i.at.slice(0, 10)} ${i.type} ${i.event}: ${i.title}`;

describe('the demo contacts’ timelines', () => {
  it('sorts the 2019 trip’s follow-ups and leads among what happened in 2019', async () => {
    const items = await timelineOf('王芳');
    // The one follow-up that lies ahead comes first; everything else is the trip and after.
    expect(items[0]).toMatchObject({
      type: 'followUp',
      event: 'due',
      title: 'Quartalsgespräch mit dem Technologiepark Peking',
    });
    expect(items.slice(1).map(line)).toEqual([
      '2019-11-14 followUp due: Videokonferenz mit Frau Wang zum Start-up-Austausch vereinbaren',
      '2019-11-12 lead stageChanged: Showroom im Technologiepark Peking',
      '2019-11-12 interaction occurred: Nachfassen Technologiepark: Grundriss erhalten',
      '2019-10-21 lead created: Showroom im Technologiepark Peking',
      '2019-10-21 interaction occurred: Gespräch zur Kooperation mit dem Technologiepark',
    ]);
    // The lead was created in the stage it later left, not in the one it has now.
    const lead = (event: string) =>
      items.find((i) => i.type === 'lead' && i.event === event) as Item & Record<string, unknown>;
    expect([lead('created').stage, lead('stageChanged').fromStage]).toEqual([
      'contacted',
      'contacted',
    ]);
    expect(lead('stageChanged').stage).toBe('qualified');
  });

  it('shows a company user its follow-up and lead among 2019, without the interactions', async () => {
    expect((await timelineOf('李伟', dovo)).map(line)).toEqual([
      '2019-11-29 followUp due: Musterstücke und englische Preisliste an Herrn Li senden',
      '2019-10-24 lead created: Rasiermesser für das Händlernetz des 3D-Campus',
    ]);
    expect((await timelineOf('李伟')).map(line)).toEqual([
      '2019-11-29 followUp due: Musterstücke und englische Preisliste an Herrn Li senden',
      '2019-10-24 lead created: Rasiermesser für das Händlernetz des 3D-Campus',
      '2019-10-24 interaction occurred: Unterzeichnung und Rundgang 3D-Campus',
    ]);
  });
});
