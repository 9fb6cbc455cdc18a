import { Global, Module } from '@nestjs/common';
import { DatabaseOutage } from '../database/outage';
import { HealthController } from './health.controller';
import { Lifecycle } from './lifecycle';

@Global()
@Module({
  controllers: [HealthController],
  providers: [Lifecycle, DatabaseOutage],
  exports: [Lifecycle, DatabaseOutage],
})
export class HealthModule {}
