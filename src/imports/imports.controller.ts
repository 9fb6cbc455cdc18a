import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  ParseIntPipe,
  Patch,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { IfMatch } from '../common/concurrency';
import { BadInput } from '../common/errors';
import { Idempotent } from '../common/idempotency';
import { UuidParam } from '../common/params';
import {
  IMPORT_KINDS,
  ImportDto,
  ImportListQuery,
  ImportPageDto,
  ImportRowDto,
  ImportRowPageDto,
  ImportRowsQuery,
  RowDecisionDto,
  UpdateImportDto,
} from './imports.dto';
import { ImportsService } from './imports.service';
import { receiveUpload } from './upload';

const RowParam = () =>
  new ParseIntPipe({
    exceptionFactory: () => BadInput.field('row', 'isInt', 'row must be a row number'),
  });

@ApiTags('imports')
@ApiBearerAuth()
@Controller('api/v1/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Post()
  @Allow('import:run')
  @Idempotent()
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['kind', 'file'],
      properties: {
        kind: { type: 'string', enum: [...IMPORT_KINDS] },
        file: { type: 'string', format: 'binary', description: 'CSV, XLSX or vCard' },
      },
    },
  })
  @ApiCreatedResponse({
    type: ImportDto,
    description:
      'The file is kept and its header read; `mapping` is the suggestion (the one this user saved for the same headers, if any). 413 over IMPORT_MAX_BYTES.',
  })
  async upload(@CurrentActor() actor: Actor, @Req() request: FastifyRequest): Promise<ImportDto> {
    const upload = await receiveUpload(request, this.imports.maxBytes);
    try {
      return await this.imports.create(actor, upload);
    } finally {
      await upload.discard();
    }
  }

  @Get()
  @Allow('import:run')
  @ApiOkResponse({
    type: ImportPageDto,
    description: 'Newest first: the caller’s imports (an admin’s list holds everyone’s).',
  })
  list(@CurrentActor() actor: Actor, @Query() query: ImportListQuery): Promise<ImportPageDto> {
    return this.imports.list(actor, query);
  }

  @Get(':id')
  @Allow('import:run')
  @ApiOkResponse({ type: ImportDto })
  get(@CurrentActor() actor: Actor, @Param('id', UuidParam()) id: string): Promise<ImportDto> {
    return this.imports.get(actor, id);
  }

  @Patch(':id')
  @Allow('import:run')
  @ApiOkResponse({
    type: ImportDto,
    description:
      'While `mapping` or `checked` (else 409): the mapping is saved (and remembered for this user and these headers); the import goes back to `mapping`.',
  })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
    @Body() dto: UpdateImportDto,
  ): Promise<ImportDto> {
    return this.imports.update(actor, id, version, dto);
  }

  @Post(':id/check')
  @Allow('import:run')
  @Idempotent()
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: ImportDto,
    description: 'The dry run starts (`checking`, then `checked`); nothing is written yet.',
  })
  check(@CurrentActor() actor: Actor, @Param('id', UuidParam()) id: string): Promise<ImportDto> {
    return this.imports.check(actor, id);
  }

  @Get(':id/rows')
  @Allow('import:run')
  @ApiOkResponse({ type: ImportRowPageDto, description: 'The rows of the dry run, by row number.' })
  rows(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @Query() query: ImportRowsQuery,
  ): Promise<ImportRowPageDto> {
    return this.imports.rows(actor, id, query);
  }

  @Patch(':id/rows/:row')
  @Allow('import:run')
  @ApiOkResponse({ type: ImportRowDto, description: 'What a duplicate row does when run.' })
  decide(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @Param('row', RowParam()) row: number,
    @Body() dto: RowDecisionDto,
  ): Promise<ImportRowDto> {
    return this.imports.decide(actor, id, row, dto.decision);
  }

  @Post(':id/run')
  @Allow('import:run')
  @Idempotent()
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ImportDto, description: 'The import starts (`running`).' })
  run(@CurrentActor() actor: Actor, @Param('id', UuidParam()) id: string): Promise<ImportDto> {
    return this.imports.run(actor, id);
  }

  @Post(':id/cancel')
  @Allow('import:run')
  @Idempotent()
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: ImportDto,
    description: 'The running import stops after its current batch (`cancelled`).',
  })
  cancel(@CurrentActor() actor: Actor, @Param('id', UuidParam()) id: string): Promise<ImportDto> {
    return this.imports.cancel(actor, id);
  }

  @Post(':id/undo')
  @Allow('import:run')
  @Idempotent()
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: ImportDto,
    description:
      'From `done` or `cancelled`: removes what the import created and restores what it updated (`undoing`, then `undone`).',
  })
  undo(@CurrentActor() actor: Actor, @Param('id', UuidParam()) id: string): Promise<ImportDto> {
    return this.imports.undo(actor, id);
  }

  @Get(':id/failed.csv')
  @Allow('import:run')
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description:
      'The rows that were not imported for their errors: the file’s columns and a last column `Fehler` ("Spalte: Meldung", one per line). UTF-8 with BOM, separated by `;` (what Excel in Germany opens).',
  })
  @Header('Content-Type', 'text/csv; charset=utf-8')
  async failed(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const { fileName, body } = await this.imports.failedCsv(actor, id);
    void reply.header('Content-Disposition', `attachment; filename="${fileName}"`);
    return body;
  }
}
