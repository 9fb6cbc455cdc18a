/**
 * Who pays for a trip: the delegates themselves, or the agency for its own (city) delegates.
 * Sums are kept in cents, so 3 × 0.10 EUR is 0.30 and never 0.30000000000000004.
 */

export const COST_BEARERS = ['self', 'agency'] as const;
export type CostBearer = (typeof COST_BEARERS)[number];

export interface CostLine {
  participantId: string;
  name: string;
  function: string | null;
  companyId: string | null;
  costBearer: CostBearer;
  /** null: not estimated yet (counts as 0 in the totals). */
  estimatedCostEur: number | null;
}

export interface BearerTotal {
  count: number;
  totalEur: number;
}

export interface CostReport {
  participants: number;
  byBearer: Record<CostBearer, BearerTotal>;
  agencyTotalEur: number;
  selfTotalEur: number;
  lines: CostLine[];
}

const cents = (eur: number | null): number => (eur === null ? 0 : Math.round(eur * 100));

export function costReport(lines: CostLine[]): CostReport {
  const count: Record<CostBearer, number> = { self: 0, agency: 0 };
  const sum: Record<CostBearer, number> = { self: 0, agency: 0 };
  for (const line of lines) {
    count[line.costBearer] += 1;
    sum[line.costBearer] += cents(line.estimatedCostEur);
  }
  return {
    participants: lines.length,
    byBearer: {
      self: { count: count.self, totalEur: sum.self / 100 },
      agency: { count: count.agency, totalEur: sum.agency / 100 },
    },
    agencyTotalEur: sum.agency / 100,
    selfTotalEur: sum.self / 100,
    lines,
  };
}
