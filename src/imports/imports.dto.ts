import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { iso, IsOneOf, OneOf, OneOfFilter, OptionalNonNull } from '../common/dto';
import { PageQuery } from '../common/pagination';
import type { ImportFormat, ImportKind } from './read';

export const IMPORT_KINDS = ['contact', 'company', 'partner'] as const satisfies ImportKind[];
export const IMPORT_STATUSES = [
  'mapping',
  'checking',
  'checked',
  'running',
  'done',
  'cancelled',
  'failed',
  'undoing',
  'undone',
] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export const DUPLICATE_DECISIONS = ['skip', 'update', 'create'] as const;
export type DuplicateDecision = (typeof DUPLICATE_DECISIONS)[number];
export const NEW_ORGANISATIONS = ['partner', 'company'] as const;
export type NewOrganisations = (typeof NEW_ORGANISATIONS)[number];
export const ROW_PROBLEMS = ['error', 'duplicate'] as const;
export type RowProblem = (typeof ROW_PROBLEMS)[number];
/** What became of a row: imported (created, updated), left out (skipped), refused (failed). */
export const ROW_OUTCOMES = ['created', 'updated', 'skipped', 'failed'] as const;
export type RowOutcome = (typeof ROW_OUTCOMES)[number];

/** The most columns a mapping names (the reader refuses wider files). */
export const MAX_MAPPED_COLUMNS = 500;

export class ImportOptionsDto {
  @ApiProperty({
    enum: DUPLICATE_DECISIONS,
    description:
      'What a row does that duplicates an existing record, unless the row has its own decision: skip it, update the record with the fields the row fills, or create a new record anyway.',
  })
  @OneOf(DUPLICATE_DECISIONS)
  duplicates: DuplicateDecision;

  @ApiProperty({
    enum: NEW_ORGANISATIONS,
    description:
      'Contacts: an organisation named in a row that matches no company or partner by name is created as this kind (once per name and import).',
  })
  @OneOf(NEW_ORGANISATIONS)
  newOrganisations: NewOrganisations;
}

export const DEFAULT_OPTIONS: ImportOptionsDto = {
  duplicates: 'skip',
  newOrganisations: 'partner',
};

export class UpdateImportOptionsDto {
  @ApiPropertyOptional({ enum: DUPLICATE_DECISIONS })
  @OneOf(DUPLICATE_DECISIONS)
  duplicates?: DuplicateDecision;

  @ApiPropertyOptional({ enum: NEW_ORGANISATIONS })
  @OneOf(NEW_ORGANISATIONS)
  newOrganisations?: NewOrganisations;
}

/** PATCH: the mapping (one target or null per column of the file) and the options. */
export class UpdateImportDto {
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', nullable: true },
    description:
      'One entry per header: the field the column fills (one of `targets`), or null to leave it out.',
  })
  @OptionalNonNull()
  @IsArray()
  @ArrayMaxSize(MAX_MAPPED_COLUMNS)
  mapping?: (string | null)[];

  @ApiPropertyOptional({ type: UpdateImportOptionsDto })
  @IsOptional()
  @IsObject({ message: 'options must be an object {duplicates, newOrganisations}' })
  @ValidateNested()
  @Type(() => UpdateImportOptionsDto)
  options?: UpdateImportOptionsDto;
}

export class ImportListQuery extends PageQuery {}

export class ImportRowsQuery extends PageQuery {
  @OneOfFilter(ROW_PROBLEMS)
  problem?: RowProblem;
}

export class RowDecisionDto {
  @ApiProperty({ enum: DUPLICATE_DECISIONS })
  @IsOneOf(DUPLICATE_DECISIONS)
  decision: DuplicateDecision;
}

export class FileErrorDto {
  @ApiProperty({ enum: ['encoding', 'quotes', 'format', 'empty', 'too-many-columns'] })
  code: string;
  @ApiProperty({ nullable: true, description: 'The line (row, card) where the file breaks.' })
  row: number | null;
  @ApiProperty() message: string;
}

export class ImportCountsDto {
  @ApiProperty({ description: 'Rows of data read from the file.' }) rows: number;
  @ApiProperty({ description: 'Rows without errors.' }) valid: number;
  @ApiProperty({ description: 'Rows with errors (they are not imported).' }) errors: number;
  @ApiProperty({ description: 'Rows that duplicate a record, or an earlier row.' })
  duplicates: number;
  @ApiProperty() created: number;
  @ApiProperty() updated: number;
  @ApiProperty() skipped: number;
  @ApiProperty() failed: number;
  @ApiProperty({ description: 'Undo: records removed or restored.' }) undone: number;
  @ApiProperty({
    description:
      'Undo: records left as they are, because something links to them now or they changed since (their rows say which).',
  })
  kept: number;
}

export class ImportProgressDto {
  @ApiProperty() done: number;
  @ApiProperty() total: number;
}

export class SampleRowDto {
  @ApiProperty() row: number;
  @ApiProperty({ type: [String] }) cells: string[];
}

export class ImportDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: IMPORT_KINDS }) kind: ImportKind;
  @ApiProperty() fileName: string;
  @ApiProperty({ enum: ['csv', 'xlsx', 'vcard'] }) format: ImportFormat;
  @ApiProperty({ nullable: true, example: 'windows-1252' }) encoding: string | null;
  @ApiProperty({ nullable: true, example: ';' }) delimiter: string | null;
  @ApiProperty({ description: 'The line of the headers in the file (1-based).' })
  headerRow: number;
  @ApiProperty({ type: [String] }) headers: string[];
  @ApiProperty({ type: 'array', items: { type: 'string', nullable: true } })
  mapping: (string | null)[];
  @ApiProperty({ type: [String], description: 'The fields a column may fill.' })
  targets: string[];
  @ApiProperty({ type: [SampleRowDto], description: 'The first five rows.' })
  sample: SampleRowDto[];
  @ApiProperty({ enum: IMPORT_STATUSES }) status: ImportStatus;
  @ApiProperty({ type: FileErrorDto, nullable: true }) fileError: FileErrorDto | null;
  @ApiProperty({ type: ImportOptionsDto }) options: ImportOptionsDto;
  @ApiProperty({ type: ImportCountsDto }) counts: ImportCountsDto;
  @ApiProperty({ type: ImportProgressDto }) progress: ImportProgressDto;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true }) finishedAt: string | null;
  @ApiProperty({ nullable: true }) undoneAt: string | null;
  @ApiProperty() version: number;
}

export class ImportPageDto {
  @ApiProperty({ type: [ImportDto] }) items: ImportDto[];
  @ApiProperty({ nullable: true }) nextCursor: string | null;
}

export class RowErrorDto {
  @ApiProperty({ description: 'The header of the column, as in the file.' }) column: string;
  @ApiProperty({ description: 'The field it fills.' }) field: string;
  @ApiProperty({ description: 'The rule it broke, the same code as the API gives.' })
  code: string;
  @ApiProperty() message: string;
}

export class DuplicateOfDto {
  @ApiProperty({ format: 'uuid', nullable: true, description: 'The existing record.' })
  id: string | null;
  @ApiProperty({ nullable: true, description: 'The earlier row of the file it repeats.' })
  row: number | null;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'email', description: 'email, phone, wechatId, name or row.' })
  reason: string;
}

export class ImportRowDto {
  @ApiProperty() row: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) values: Record<string, unknown>;
  @ApiProperty({ type: [RowErrorDto] }) errors: RowErrorDto[];
  @ApiProperty({ type: DuplicateOfDto, nullable: true }) duplicateOf: DuplicateOfDto | null;
  @ApiProperty({ enum: DUPLICATE_DECISIONS, nullable: true }) decision: DuplicateDecision | null;
  @ApiProperty({ enum: ROW_OUTCOMES, nullable: true }) outcome: RowOutcome | null;
  @ApiProperty({ format: 'uuid', nullable: true }) recordId: string | null;
  @ApiProperty({
    nullable: true,
    enum: ['undone', 'linked', 'changed'],
    description:
      'Undo: removed or restored (undone); kept because something links to it now (linked) or it changed since the import (changed).',
  })
  undo: string | null;
}

export class ImportRowPageDto {
  @ApiProperty({ type: [ImportRowDto] }) items: ImportRowDto[];
  @ApiProperty({ nullable: true }) nextCursor: string | null;
}

/** An import as the service reads it (snake_case row of `imports`). */
export interface ImportRecord {
  id: string;
  kind: ImportKind;
  file_name: string;
  format: ImportFormat;
  encoding: string | null;
  delimiter: string | null;
  header_row: number;
  headers: string[];
  mapping: (string | null)[];
  sample: SampleRowDto[];
  status: ImportStatus;
  file_error: FileErrorDto | null;
  options: ImportOptionsDto;
  counts: ImportCountsDto;
  progress_done: number;
  progress_total: number;
  cancel_requested: boolean;
  created_by: string;
  created_at: Date;
  finished_at: Date | null;
  undone_at: Date | null;
  version: number;
}

export const toImportDto = (i: ImportRecord, targets: readonly string[]): ImportDto => ({
  id: i.id,
  kind: i.kind,
  fileName: i.file_name,
  format: i.format,
  encoding: i.encoding,
  delimiter: i.delimiter,
  headerRow: i.header_row,
  headers: i.headers,
  mapping: i.mapping,
  targets: [...targets],
  sample: i.sample,
  status: i.status,
  fileError: i.file_error,
  options: i.options,
  counts: i.counts,
  progress: { done: i.progress_done, total: i.progress_total },
  createdBy: i.created_by,
  createdAt: i.created_at.toISOString(),
  finishedAt: iso(i.finished_at),
  undoneAt: iso(i.undone_at),
  version: i.version,
});
