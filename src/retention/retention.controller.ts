import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { Idempotent } from '../common/idempotency';
import { UuidParam } from '../common/params';
import {
  ExtendDto,
  ExtensionDto,
  ReviewListQuery,
  ReviewPageDto,
  ReviewRunDto,
  toReviewDto,
} from './retention.dto';
import { RetentionService } from './retention.service';

/**
 * The retention review. Running it now needs `contact:privacy`, not `system:admin`: it only
 * refreshes the list the same people work through, and reveals nothing the list does not.
 */
@ApiTags('retention')
@ApiBearerAuth()
@Controller('api/v1/retention')
export class RetentionController {
  constructor(private readonly retention: RetentionService) {}

  @Get()
  @Allow('contact:privacy')
  @ApiOkResponse({ type: ReviewPageDto })
  async list(
    @CurrentActor() actor: Actor,
    @Query() query: ReviewListQuery,
  ): Promise<ReviewPageDto> {
    const page = await this.retention.list(actor, query);
    return { items: page.items.map(toReviewDto), nextCursor: page.nextCursor };
  }

  @Post('run')
  @Idempotent()
  @Allow('contact:privacy')
  @HttpCode(200)
  @ApiOkResponse({ type: ReviewRunDto })
  run(@CurrentActor() actor: Actor): Promise<ReviewRunDto> {
    return this.retention.run(actor);
  }

  @Post(':contactId/extend')
  @Idempotent()
  @Allow('contact:privacy')
  @HttpCode(200)
  @ApiOkResponse({ type: ExtensionDto })
  async extend(
    @CurrentActor() actor: Actor,
    @Param('contactId', UuidParam('contactId')) contactId: string,
    @Body() dto: ExtendDto,
  ): Promise<ExtensionDto> {
    const review = await this.retention.extend(actor, contactId, dto);
    return {
      id: review.id,
      contactId: review.contactId,
      extendedUntil: dto.until,
      reason: dto.reason,
      decidedAt: (review.decidedAt ?? new Date()).toISOString(),
    };
  }
}
