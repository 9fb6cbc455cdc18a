/** The fields a card reader proposes (src/cards/read/ once merged). */
export interface CardFields {
  nativeName?: string;
  familyName?: string;
  givenName?: string;
  organisation?: string;
  position?: string;
  emails: string[];
  phones: string[];
  wechat?: string;
  address?: string;
  website?: string;
  fax?: string;
}

export function readCard(_images: Buffer[]): Promise<{ fields: CardFields; text: string; ms: number }> {
  return Promise.reject(new Error('no card reader yet'));
}

export async function close(): Promise<void> {}
