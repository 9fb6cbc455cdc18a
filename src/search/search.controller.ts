import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { SearchQuery, SearchResultsDto } from './search.dto';
import { SearchService } from './search.service';

@ApiTags('search')
@ApiBearerAuth()
@Controller('api/v1/search')
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Get()
  @Allow('search:read')
  find(@CurrentActor() actor: Actor, @Query() query: SearchQuery): Promise<SearchResultsDto> {
    return this.search.find(actor, query.q, query.limit);
  }
}
