import { Html, html, raw } from './html';
import { escapeHtml } from './html';

export interface PipelineRow {
  companyName: string;
  stage: string;
  count: number;
  valueEur: number;
}

const STAGE_COLOURS: Record<string, string> = {
  new: '#8fb3d9',
  contacted: '#5b8fc7',
  qualified: '#2f6fb0',
  proposal: '#1d4f86',
  won: '#2e7d4f',
  lost: '#b04a4a',
};

/** The text table's column headers, in the user's language. */
export interface PipelineHeaders {
  company: string;
  stage: string;
  count: string;
  value: string;
}

/** The companies a pipeline chart draws: the largest by open value. */
export const CHART_COMPANIES = 12;

/**
 * The leads pipeline as an SVG drawn on the server: one horizontal bar per company, split by
 * stage, its length the value in EUR; with a title per segment and a text table for readers
 * who cannot see the chart. Only the `stages` given are drawn and counted in the totals (the
 * open pipeline leaves out won and lost). The `top` companies by value are drawn, the largest
 * first (the dashboard asks the API for those only: `?top=`).
 */
export function pipelineChart(
  allRows: PipelineRow[],
  stages: string[],
  label: (stage: string) => string,
  money: (value: number) => string,
  caption: string,
  headers: PipelineHeaders = { company: 'Company', stage: 'Stage', count: '#', value: 'EUR' },
  top = CHART_COMPANIES,
): Html {
  // One pass over the rows: an agency has thousands of companies, the chart shows the largest.
  const byCompany = new Map<string, { total: number; rows: Map<string, PipelineRow> }>();
  for (const r of allRows) {
    if (!stages.includes(r.stage)) continue;
    const entry = byCompany.get(r.companyName) ?? { total: 0, rows: new Map() };
    entry.total += r.valueEur;
    entry.rows.set(r.stage, r);
    byCompany.set(r.companyName, entry);
  }
  const ranked = [...byCompany].sort(
    ([a, x], [b, y]) => y.total - x.total || (a < b ? -1 : a > b ? 1 : 0),
  );
  const shown = ranked.slice(0, top);
  const companies = shown.map(([name]) => name);
  const totals = shown.map(([, entry]) => entry.total);
  const rows = shown.flatMap(([, entry]) => stages.flatMap((stage) => entry.rows.get(stage) ?? []));
  const max = Math.max(1, ...totals);
  const labelWidth = 170;
  const barWidth = 420;
  const rowHeight = 28;
  const height = companies.length * rowHeight + 40;
  let svg = `<svg role="img" aria-labelledby="pipeline-title" viewBox="0 0 ${labelWidth + barWidth + 120} ${height}" width="100%" xmlns="http://www.w3.org/2000/svg"><title id="pipeline-title">${escapeHtml(caption)}</title>`;
  shown.forEach(([company, entry], i) => {
    const y = i * rowHeight + 4;
    svg += `<text x="0" y="${y + 16}">${escapeHtml(company)}</text>`;
    let x = labelWidth;
    for (const stage of stages) {
      const row = entry.rows.get(stage);
      if (!row || row.valueEur <= 0) continue;
      const width = Math.max(2, (row.valueEur / max) * barWidth);
      svg += `<rect x="${x.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="20" fill="${STAGE_COLOURS[stage] ?? '#999'}"><title>${escapeHtml(`${company} · ${label(stage)}: ${row.count} · ${money(row.valueEur)}`)}</title></rect>`;
      x += width;
    }
    svg += `<text x="${(x + 6).toFixed(1)}" y="${y + 16}">${escapeHtml(money(totals[i]))}</text>`;
  });
  const legendY = companies.length * rowHeight + 20;
  stages.forEach((stage, i) => {
    const x = i * 100;
    svg += `<rect x="${x}" y="${legendY}" width="12" height="12" fill="${STAGE_COLOURS[stage]}"/><text x="${x + 16}" y="${legendY + 11}">${escapeHtml(label(stage))}</text>`;
  });
  svg += '</svg>';
  return html`<figure>
    ${raw(svg)}
    <details>
      <summary>${caption}</summary>
      <table>
        <thead>
          <tr>
            <th scope="col">${headers.company}</th>
            <th scope="col">${headers.stage}</th>
            <th scope="col">${headers.count}</th>
            <th scope="col">${headers.value}</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (r) =>
              html`<tr>
                <td>${r.companyName}</td>
                <td>${label(r.stage)}</td>
                <td>${r.count}</td>
                <td>${money(r.valueEur)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </details>
  </figure>`;
}
