import { Module } from '@nestjs/common';
import { AgreementsModule } from '../agreements/agreements.module';
import { CompaniesModule } from '../companies/companies.module';
import { ContactsModule } from '../contacts/contacts.module';
import { FollowUpsModule } from '../follow-ups/follow-ups.module';
import { InteractionsModule } from '../interactions/interactions.module';
import { LeadsModule } from '../leads/leads.module';
import { PartnersModule } from '../partners/partners.module';
import { TripsModule } from '../trips/trips.module';
import { UsersModule } from '../users/users.module';
import { ContactCardController, EXPORT_CONTROLLERS } from './exports.controller';
import { ExportService } from './exports.service';

/** Record lists as CSV, XLSX and vCard files, through each kind's own list. */
@Module({
  imports: [
    AgreementsModule,
    CompaniesModule,
    ContactsModule,
    FollowUpsModule,
    InteractionsModule,
    LeadsModule,
    PartnersModule,
    TripsModule,
    UsersModule,
  ],
  controllers: [...EXPORT_CONTROLLERS, ContactCardController],
  providers: [ExportService],
  exports: [ExportService],
})
export class ExportsModule {}
