import { ApiProperty } from '@nestjs/swagger';
import { iso } from './dto';

/** What the answer for every kept record carries: its id, version and times. */
export class RecordDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ type: String, nullable: true }) deletedAt: string | null;
}

/** A record's version and times as its answer gives them (last, after its own fields). */
export const recordStamps = (record: {
  version: number;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}): Pick<RecordDto, 'version' | 'createdAt' | 'updatedAt' | 'deletedAt'> => ({
  version: record.version,
  createdAt: record.createdAt.toISOString(),
  updatedAt: record.updatedAt.toISOString(),
  deletedAt: iso(record.deletedAt),
});
