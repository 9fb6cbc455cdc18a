import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module';
import { FollowUpsModule } from '../follow-ups/follow-ups.module';
import { LeadsModule } from '../leads/leads.module';
import { ContactLogController } from './contact-log.controller';
import { ContactLogService } from './contact-log.service';
import { InteractionsModule } from './interactions.module';

/**
 * "Log an interaction" with the people, follow-up and lead it brings, through their owners'
 * services. A module of its own so that InteractionsModule depends on none of them: contacts,
 * follow-ups or leads may come to need interactions without a cycle.
 */
@Module({
  imports: [InteractionsModule, ContactsModule, FollowUpsModule, LeadsModule],
  controllers: [ContactLogController],
  providers: [ContactLogService],
})
export class ContactLogModule {}
