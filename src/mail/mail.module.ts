import { Global, Module } from '@nestjs/common';
import { Mailer } from './mailer.service';

/** Outgoing mail: the outbox and its sending job; MAIL_KEY is provided by AppModule. */
@Global()
@Module({ providers: [Mailer], exports: [Mailer] })
export class MailModule {}
