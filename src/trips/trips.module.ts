import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Appointment } from './appointment.entity';
import { AppointmentsController } from './appointments.controller';
import { AppointmentsService } from './appointments.service';
import { Participant } from './participant.entity';
import { ParticipantsController } from './participants.controller';
import { ParticipantsService } from './participants.service';
import { Trip } from './trip.entity';
import { TripsController } from './trips.controller';
import { TripsService } from './trips.service';

/** Delegation trips: the trips, their delegates and appointments, costs and the itinerary. */
@Module({
  imports: [TypeOrmModule.forFeature([Trip, Participant, Appointment])],
  controllers: [TripsController, ParticipantsController, AppointmentsController],
  providers: [TripsService, ParticipantsService, AppointmentsService],
  exports: [TripsService, ParticipantsService, AppointmentsService],
})
export class TripsModule {}
