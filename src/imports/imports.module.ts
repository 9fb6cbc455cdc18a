import { Module } from '@nestjs/common';
import { ImportCheck } from './check';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';
import { ImportRun } from './run';
import { ImportUndo } from './undo';

@Module({
  controllers: [ImportsController],
  providers: [ImportsService, ImportCheck, ImportRun, ImportUndo],
})
export class ImportsModule {}
