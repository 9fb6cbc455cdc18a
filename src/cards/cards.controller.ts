import { Body, Controller, Get, Param, PipeTransform, Post, Query, Req, Res } from '@nestjs/common';
import {
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
import { parseIfMatch } from '../common/concurrency';
import { BadInput } from '../common/errors';
import { Idempotent } from '../common/idempotency';
import { UuidParam } from '../common/params';
import {
  CardScanDto,
  CardScanListQuery,
  CardScanPageDto,
  ContactCardDto,
  SavedCardScanDto,
  SaveCardScanDto,
} from './cards.dto';
import { CardsService } from './cards.service';
import { CARD_MAX_BYTES, CARD_SIDES, type CardSide } from './images';
import { receiveCardImages } from './upload';

/** `front` or `back`; anything else is a 400 naming `side`. */
class SidePipe implements PipeTransform<string, CardSide> {
  transform(value: string): CardSide {
    if ((CARD_SIDES as readonly string[]).includes(value)) return value as CardSide;
    throw BadInput.field('side', 'isIn', `side must be one of ${CARD_SIDES.join(', ')}`);
  }
}

/** A photo as the answer: its own type; the page that shows it may keep it a while, privately. */
export function sendCardImage(reply: FastifyReply, image: { bytes: Buffer; type: string }): Buffer {
  void reply.header('Content-Type', image.type);
  return image.bytes;
}

const PHOTO = { type: 'string', format: 'binary', description: 'JPEG, PNG or WebP, at most 5 MiB' };

@ApiTags('card-scans')
@ApiBearerAuth()
@Controller('api/v1/card-scans')
export class CardScansController {
  constructor(private readonly cards: CardsService) {}

  @Post()
  @Allow('contact:write')
  @Idempotent()
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['front'],
      properties: { front: PHOTO, back: { ...PHOTO, description: 'The other side, if any' } },
    },
  })
  @ApiCreatedResponse({
    type: CardScanDto,
    description:
      'The photos are kept and the card is read by a job: `status` queued, then reading, then read (with `proposal`) or failed. 413 naming the side over 5 MiB; 400 naming a side that is no JPEG, PNG or WebP.',
  })
  async scan(@CurrentActor() actor: Actor, @Req() request: FastifyRequest): Promise<CardScanDto> {
    const { front, back } = await receiveCardImages(request, CARD_MAX_BYTES);
    return this.cards.create(actor, front, back);
  }

  @Get()
  @Allow('contact:write')
  @ApiOkResponse({ type: CardScanPageDto, description: 'Own scans (an admin: all), newest first.' })
  list(@CurrentActor() actor: Actor, @Query() query: CardScanListQuery): Promise<CardScanPageDto> {
    return this.cards.list(actor, query);
  }

  @Get(':id')
  @Allow('contact:write')
  @ApiOkResponse({ type: CardScanDto })
  get(@CurrentActor() actor: Actor, @Param('id', UuidParam()) id: string): Promise<CardScanDto> {
    return this.cards.get(actor, id);
  }

  @Get(':id/:side')
  @Allow('contact:write')
  @ApiProduces('image/jpeg', 'image/png', 'image/webp')
  @ApiOkResponse({ description: 'A photo of the scan (404 once saved: then the contact’s).' })
  async image(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @Param('side', new SidePipe()) side: CardSide,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    return sendCardImage(reply, await this.cards.scanImage(actor, id, side));
  }

  @Post(':id/save')
  @Allow('contact:write')
  @Idempotent()
  @ApiCreatedResponse({
    type: SavedCardScanDto,
    description:
      'With `contactId` (and If-Match of that contact) the contact is updated, else a new one is created; the photos move to the contact. 409 when saved already or still being read.',
  })
  save(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @Body() dto: SaveCardScanDto,
    @Req() request: FastifyRequest,
  ): Promise<SavedCardScanDto> {
    return this.cards.save(actor, id, dto, () => parseIfMatch(request.headers['if-match']));
  }
}

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('api/v1/contacts')
export class ContactCardsController {
  constructor(private readonly cards: CardsService) {}

  @Get(':id/card')
  @Allow('contact:read')
  @ApiOkResponse({ type: ContactCardDto, description: 'The sides of the contact’s card kept.' })
  async card(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<ContactCardDto> {
    return { sides: await this.cards.contactSides(actor, id) };
  }

  @Get(':id/card/:side')
  @Allow('contact:read')
  @ApiProduces('image/jpeg', 'image/png', 'image/webp')
  @ApiOkResponse({ description: 'A photo of the contact’s business card.' })
  async image(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @Param('side', new SidePipe()) side: CardSide,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    return sendCardImage(reply, await this.cards.contactImage(actor, id, side));
  }
}
