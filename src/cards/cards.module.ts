import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module';
import { CardRead } from './card-read';
import { CardScansController, ContactCardsController } from './cards.controller';
import { CardsService } from './cards.service';

@Module({
  imports: [ContactsModule],
  controllers: [CardScansController, ContactCardsController],
  providers: [CardsService, CardRead],
  exports: [CardsService],
})
export class CardsModule {}
