import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { IfMatch } from '../common/concurrency';
import { Page } from '../common/pagination';
import { UuidParam } from '../common/params';
import {
  CreateUserDto,
  toUserDirectoryEntryDto,
  toUserDto,
  UpdateUserDto,
  UserDirectoryPageDto,
  UserDirectoryQuery,
  UserDto,
  UserListQuery,
} from './users.dto';
import { UsersService } from './users.service';
import { Idempotent } from '../common/idempotency';

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Allow('user:read')
  async list(@Query() query: UserListQuery): Promise<Page<UserDto>> {
    const page = await this.users.list(query);
    return { items: page.items.map(toUserDto), nextCursor: page.nextCursor };
  }

  /** Agency users to pick an owner or assignee from: any agency role may read it. */
  @Get('directory')
  @Allow('user:directory')
  @ApiOkResponse({ type: UserDirectoryPageDto })
  async directory(@Query() query: UserDirectoryQuery): Promise<UserDirectoryPageDto> {
    const page = await this.users.directory(query);
    return { items: page.items.map(toUserDirectoryEntryDto), nextCursor: page.nextCursor };
  }

  @Post()
  @Idempotent()
  @Allow('user:create')
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto): Promise<UserDto> {
    return toUserDto(await this.users.create(actor, dto));
  }

  /** Sends the invitation mail again (a new link; the earlier ones end). */
  @Post(':id/invitation')
  @Idempotent()
  @Allow('user:create')
  @HttpCode(200)
  async invite(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<UserDto> {
    return toUserDto(await this.users.invite(actor, id));
  }

  @Get(':id')
  @Allow('user:read')
  async get(@Param('id', UuidParam()) id: string): Promise<UserDto> {
    return toUserDto(await this.users.get(id));
  }

  @Patch(':id')
  @Allow('user:update')
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
    @Body() dto: UpdateUserDto,
  ): Promise<UserDto> {
    return toUserDto(await this.users.update(actor, id, version, dto));
  }
}
