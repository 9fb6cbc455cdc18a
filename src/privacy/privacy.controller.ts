import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { IfMatch } from '../common/concurrency';
import { Idempotent } from '../common/idempotency';
import { UuidParam } from '../common/params';
import { ErasureDto, PersonalDataDto, toErasureDto, toPersonalDataDto } from './privacy.dto';
import { PrivacyService } from './privacy.service';

/**
 * The rights of a person the agency met (GDPR art. 15, 17): what is stored about a contact, and
 * its erasure. Beside the contact routes, under `contact:privacy`.
 */
@ApiTags('contacts')
@ApiBearerAuth()
@Controller('api/v1/contacts')
export class PrivacyController {
  constructor(private readonly privacy: PrivacyService) {}

  @Get(':id/personal-data')
  @Allow('contact:privacy')
  @ApiOkResponse({ type: PersonalDataDto })
  async personalData(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<PersonalDataDto> {
    return toPersonalDataDto(await this.privacy.personalData(actor, id));
  }

  /** If-Match: the contact's version as last read. Not undone: there is nothing left to restore. */
  @Post(':id/erase')
  @Idempotent()
  @Allow('contact:privacy')
  @HttpCode(200)
  @ApiOkResponse({ type: ErasureDto })
  async erase(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
  ): Promise<ErasureDto> {
    return toErasureDto(await this.privacy.erase(actor, id, version));
  }
}
