import { Column, Entity } from 'typeorm';
import { MoneyColumn, RecordColumns } from '../database/columns';
import type { CostBearer } from './costs';

/** A delegate on a trip: the mayor, the agency's director, a company's managing director. */
@Entity('participants')
export class Participant extends RecordColumns {
  @Column({ type: 'uuid' })
  tripId: string;

  @Column({ type: 'text' })
  name: string;

  /** The delegate's role, e.g. "Oberbürgermeister". */
  @Column({ type: 'text', nullable: true })
  function: string | null;

  /** Empty for the city's and the agency's own delegates. */
  @Column({ type: 'uuid', nullable: true })
  companyId: string | null;

  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  /** null only in answers to a company user about another company's delegate. */
  @Column({ type: 'text' })
  costBearer: CostBearer | null;

  @MoneyColumn({ nullable: true })
  estimatedCostEur: number | null;
}
