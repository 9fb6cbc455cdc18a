import { randomUUID } from 'node:crypto';
import { feedIdOf, feedToken } from './feed-token';

const key = Buffer.alloc(32, 7);
const otherKey = Buffer.alloc(32, 8);

describe('calendar feed tokens', () => {
  const id = randomUUID();
  const token = feedToken(key, id);

  it('names its feed and fits one path segment', () => {
    expect(feedIdOf(key, token)).toBe(id);
    expect(token).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a token under another key, of another id, altered or malformed', () => {
    const [, mac] = token.split('.');
    const flipped = `${mac.slice(0, 10)}${mac[10] === 'A' ? 'B' : 'A'}${mac.slice(11)}`;
    for (const bad of [
      feedToken(otherKey, id),
      `${randomUUID()}.${mac}`,
      `${id}.${flipped}`,
      `${id}.${mac}x`,
      `${id}.${mac.slice(1)}`,
      id,
      `${id}.`,
      `.${mac}`,
      `not-a-uuid.${mac}`,
      `${id.toUpperCase()}.${mac}`,
      '',
      '..',
    ]) {
      expect({ bad, id: feedIdOf(key, bad) }).toEqual({ bad, id: null });
    }
  });
});
