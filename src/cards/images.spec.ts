import { cardMediaType } from './images';

describe('cardMediaType', () => {
  it('tells JPEG, PNG and WebP by their first bytes', () => {
    expect(cardMediaType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe('image/jpeg');
    expect(
      cardMediaType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])),
    ).toBe('image/png');
    expect(cardMediaType(Buffer.from('RIFF\u0024\u0000\u0000\u0000WEBPVP8 ', 'latin1'))).toBe(
      'image/webp',
    );
  });

  it('refuses what only claims to be an image', () => {
    expect(cardMediaType(Buffer.from('GIF89a……'))).toBeNull();
    expect(cardMediaType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(cardMediaType(Buffer.from('RIFF\u0000\u0000\u0000\u0000WAVE', 'latin1'))).toBeNull();
    expect(cardMediaType(Buffer.alloc(0))).toBeNull();
  });
});
