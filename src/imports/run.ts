import { Injectable } from '@nestjs/common';
import { Jobs } from '../jobs/jobs.service';
import { IMPORT_RUN, ImportJob } from './queues';

@Injectable()
export class ImportRun {
  constructor(jobs: Jobs) {
    jobs.define<ImportJob>({ name: IMPORT_RUN, run: async () => {}, retryLimit: 3 });
  }
}
