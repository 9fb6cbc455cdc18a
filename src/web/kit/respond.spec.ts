import { pageEncoding } from './respond';

describe('the encoding a page is sent in', () => {
  it.each([
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip, deflate', 'gzip'],
    ['br;q=0, gzip;q=0.5', 'gzip'],
    ['GZIP', 'gzip'],
    ['identity', undefined],
    ['', undefined],
    [undefined, undefined],
    ['br;q=0, gzip;q=0', undefined],
  ])('%s → %s', (header, expected) => {
    expect(pageEncoding(header)).toBe(expected);
  });
});
