import { Type } from '@nestjs/common';
import { ApiProperty, OmitType } from '@nestjs/swagger';
import { IsOneOf, OneOfFilter } from '../common/dto';
import type { PageQuery } from '../common/pagination';

export const TABLE_FORMATS = ['csv', 'xlsx'] as const;
export const EXPORT_FORMATS = [...TABLE_FORMATS, 'vcard'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** `comma` is the standard; German Excel opens a CSV by its list separator, `;`. */
export const DELIMITERS = ['comma', 'semicolon'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

export const EXPORT_LANGUAGES = ['de', 'en'] as const;
export type ExportLanguage = (typeof EXPORT_LANGUAGES)[number];

/** What an export adds to its list's query: the format, the CSV's delimiter, the headers' language. */
export interface ExportOptions {
  format: ExportFormat;
  delimiter?: Delimiter;
  lang?: ExportLanguage;
}

/**
 * A kind's export query: its list's filters, search and sort (not `limit` and `cursor`: the
 * export walks every page itself) and the export's options, validated by the same pipe.
 */
export function ExportQuery<Q extends PageQuery>(
  list: Type<Q>,
  formats: readonly ExportFormat[] = TABLE_FORMATS,
) {
  class KindExportQuery extends OmitType(list as Type<PageQuery>, ['limit', 'cursor'] as const) {
    @ApiProperty({ enum: formats })
    @IsOneOf(formats)
    format: ExportFormat;

    @OneOfFilter(DELIMITERS)
    delimiter?: Delimiter;

    @OneOfFilter(EXPORT_LANGUAGES)
    lang?: ExportLanguage;
  }
  Object.defineProperty(KindExportQuery, 'name', {
    value: list.name.replace(/ListQuery$/, 'ExportQuery'),
  });
  return KindExportQuery as unknown as Type<Omit<Q, 'limit' | 'cursor'> & ExportOptions>;
}
