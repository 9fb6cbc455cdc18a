import { HttpCode, Param, Post } from '@nestjs/common';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { IfMatch } from '../common/concurrency';
import { UuidParam } from '../common/params';
import { RecordController } from '../common/record-controller';
import {
  CreateFollowUpDto,
  FollowUpDto,
  FollowUpListQuery,
  toFollowUpDto,
  UpdateFollowUpDto,
} from './follow-ups.dto';
import { FollowUpsService } from './follow-ups.service';
import { Idempotent } from '../common/idempotency';

export class FollowUpsController extends RecordController({
  path: 'api/v1/follow-ups/:id',
  service: FollowUpsService,
  read: 'follow-up:read',
  write: 'follow-up:write',
  toDto: toFollowUpDto,
  dto: FollowUpDto,
  body: { create: CreateFollowUpDto, update: UpdateFollowUpDto },
  query: FollowUpListQuery,
}) {
  @Post(':id/complete')
  @Idempotent()
  @Allow('follow-up:complete')
  @HttpCode(200)
  async complete(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
  ): Promise<FollowUpDto> {
    return toFollowUpDto(await this.service.complete(actor, id, version));
  }
}
