import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { ContactLogDto, ContactLogResultDto } from './contact-log.dto';
import { ContactLogService } from './contact-log.service';
import { Idempotent } from '../common/idempotency';

@ApiTags('interactions')
@ApiBearerAuth()
@Controller('api/v1/contact-log')
export class ContactLogController {
  constructor(private readonly log: ContactLogService) {}

  /** Log an encounter: new contacts, the interaction, a follow-up and a lead in one transaction. */
  @Post()
  @Idempotent()
  @Allow('interaction:write')
  create(@CurrentActor() actor: Actor, @Body() dto: ContactLogDto): Promise<ContactLogResultDto> {
    return this.log.log(actor, dto);
  }
}
