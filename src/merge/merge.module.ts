import { Module } from '@nestjs/common';
import { CompaniesModule } from '../companies/companies.module';
import { ContactsModule } from '../contacts/contacts.module';
import { PartnersModule } from '../partners/partners.module';
import {
  CompanyMergeController,
  ContactMergeController,
  PartnerMergeController,
} from './merge.controller';
import { MergeService } from './merge.service';

/** Possible duplicates of contacts, companies and partners, and their merge. */
@Module({
  imports: [ContactsModule, CompaniesModule, PartnersModule],
  controllers: [ContactMergeController, CompanyMergeController, PartnerMergeController],
  providers: [MergeService],
  exports: [MergeService],
})
export class MergeModule {}
