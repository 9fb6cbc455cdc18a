import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RetentionReview } from './retention-review.entity';
import { RetentionController } from './retention.controller';
import { RetentionService } from './retention.service';

/** The retention review of contacts: the nightly job, its findings and the decisions on them. */
@Module({
  imports: [TypeOrmModule.forFeature([RetentionReview])],
  controllers: [RetentionController],
  providers: [RetentionService],
  exports: [RetentionService],
})
export class RetentionModule {}
