import { CostLine, costReport } from './costs';

const line = (overrides: Partial<CostLine>): CostLine => ({
  participantId: '00000000-0000-4000-8000-000000000000',
  name: 'Delegate',
  function: null,
  companyId: null,
  costBearer: 'self',
  estimatedCostEur: 0,
  ...overrides,
});

describe('cost report', () => {
  it('splits the article trip: three agency delegates, eight paying their own way', () => {
    const lines = [
      ...Array.from({ length: 3 }, () => line({ costBearer: 'agency', estimatedCostEur: 2850 })),
      ...Array.from({ length: 8 }, () => line({ costBearer: 'self', estimatedCostEur: 2750.5 })),
    ];
    const report = costReport(lines);
    expect(report.participants).toBe(11);
    expect(report.byBearer).toEqual({
      agency: { count: 3, totalEur: 8550 },
      self: { count: 8, totalEur: 22004 },
    });
    expect(report.agencyTotalEur).toBe(8550);
    expect(report.selfTotalEur).toBe(22004);
    expect(report.lines).toBe(lines);
  });

  it('sums in cents and counts a delegate without an estimate as 0', () => {
    const report = costReport([
      line({ estimatedCostEur: 0.1 }),
      line({ estimatedCostEur: 0.2 }),
      line({ estimatedCostEur: null }),
    ]);
    expect(report.selfTotalEur).toBe(0.3);
    expect(report.byBearer.self.count).toBe(3);
  });

  it('reports an empty delegation as zeros', () => {
    expect(costReport([])).toEqual({
      participants: 0,
      byBearer: { self: { count: 0, totalEur: 0 }, agency: { count: 0, totalEur: 0 } },
      agencyTotalEur: 0,
      selfTotalEur: 0,
      lines: [],
    });
  });
});
