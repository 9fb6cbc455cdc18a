import { Global, Module } from '@nestjs/common';
import { Jobs } from './jobs.service';

/** Durable background jobs (pg-boss); DATABASE_URL is provided by AppModule. */
@Global()
@Module({ providers: [Jobs], exports: [Jobs] })
export class JobsModule {}
