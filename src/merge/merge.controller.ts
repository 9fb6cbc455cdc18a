import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import type { Action } from '../auth/permissions';
import { IfMatch } from '../common/concurrency';
import { Idempotent } from '../common/idempotency';
import { UuidParam } from '../common/params';
import { toCompanyDto } from '../companies/companies.dto';
import { Company } from '../companies/company.entity';
import { Contact } from '../contacts/contact.entity';
import { toContactDto } from '../contacts/contacts.dto';
import { Partner } from '../partners/partner.entity';
import { toPartnerDto } from '../partners/partners.dto';
import { DuplicatePageDto, DuplicatesQuery, MergeDto, NotDuplicateDto } from './merge.dto';
import { MergeKindName, MergeService } from './merge.service';

/**
 * A kind's possible duplicates and merge, beside its record routes: `GET …/duplicates`,
 * `POST …/:id/not-duplicate` (the pair leaves the list), `GET …/:id/merge/:otherId` (what each
 * has linked, for the merge page) and `POST …/:id/merge` (If-Match: the kept record's version). Both under the kind's write action: only who may change
 * the kind sees its duplicates.
 */
function MergeRoutes<E, D>(options: {
  resource: string;
  kind: MergeKindName;
  write: Action;
  toDto: (entity: E) => D;
}) {
  const { kind, write, toDto } = options;

  @ApiTags(options.resource)
  @ApiBearerAuth()
  @Controller(`api/v1/${options.resource}`)
  class Routes {
    constructor(@Inject(MergeService) readonly merges: MergeService) {}

    @Get('duplicates')
    @Allow(write)
    @ApiOkResponse({ type: DuplicatePageDto })
    async duplicates(@CurrentActor() actor: Actor, @Query() query: DuplicatesQuery) {
      const page = await this.merges.duplicates<E>(kind, query, actor);
      return {
        items: page.items.map((pair) => ({
          reasons: pair.reasons,
          records: pair.records.map(toDto),
        })),
        nextCursor: page.nextCursor,
      };
    }

    @Get(':id/merge/:otherId')
    @Allow(write)
    links(
      @CurrentActor() actor: Actor,
      @Param('id', UuidParam()) id: string,
      @Param('otherId', UuidParam('otherId')) otherId: string,
    ) {
      return this.merges.links(kind, actor, id, otherId);
    }

    @Post(':id/not-duplicate')
    @Idempotent()
    @Allow(write)
    @HttpCode(204)
    async notDuplicate(
      @CurrentActor() actor: Actor,
      @Param('id', UuidParam()) id: string,
      @Body() dto: NotDuplicateDto,
    ): Promise<void> {
      await this.merges.notDuplicate(kind, actor, id, dto.otherId);
    }

    @Post(':id/merge')
    @Idempotent()
    @Allow(write)
    @HttpCode(200)
    async merge(
      @CurrentActor() actor: Actor,
      @Param('id', UuidParam()) id: string,
      @IfMatch() version: number,
      @Body() dto: MergeDto,
    ): Promise<D> {
      return toDto(await this.merges.merge<E>(kind, actor, id, version, dto));
    }
  }
  return Routes;
}

export class ContactMergeController extends MergeRoutes({
  resource: 'contacts',
  kind: 'contact',
  write: 'contact:write',
  toDto: (c: Contact) => toContactDto(c, 'agency'),
}) {}

export class CompanyMergeController extends MergeRoutes({
  resource: 'companies',
  kind: 'company',
  write: 'company:write',
  toDto: (c: Company) => toCompanyDto(c),
}) {}

export class PartnerMergeController extends MergeRoutes({
  resource: 'partners',
  kind: 'partner',
  write: 'partner:write',
  toDto: (p: Partner) => toPartnerDto(p),
}) {}
