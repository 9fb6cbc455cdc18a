import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Mail } from './mail.entity';
import { Mailer } from './mailer.service';
import { Outbox } from './outbox.service';

/** Outgoing mail: the outbox and its sending job; MAIL_KEY is provided by AppModule. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Mail])],
  providers: [Mailer, Outbox],
  exports: [Mailer, Outbox],
})
export class MailModule {}
