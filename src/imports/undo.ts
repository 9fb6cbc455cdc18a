import { Injectable } from '@nestjs/common';
import { Jobs } from '../jobs/jobs.service';
import { IMPORT_UNDO, ImportJob } from './queues';

@Injectable()
export class ImportUndo {
  constructor(jobs: Jobs) {
    jobs.define<ImportJob>({ name: IMPORT_UNDO, run: async () => {}, retryLimit: 3 });
  }
}
