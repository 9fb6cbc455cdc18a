import { Global, Module } from '@nestjs/common';
import { Paginator } from './pagination';

/** The shared pieces every feature module uses; CURSOR_KEY is provided by AppModule. */
@Global()
@Module({ providers: [Paginator], exports: [Paginator] })
export class CommonModule {}
