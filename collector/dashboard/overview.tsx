import type { Overview, UtmRow } from '../reports/overview.js';
import { DailyChart } from './charts.js';
import { DataTable } from './data-table.js';
import { fmtInt, fmtMoney, fmtPct } from './format.js';

function Kpi(props: { label: string; value: string; id: string; note?: string }) {
  return (
    <div class="kpi" id={props.id}>
      <dt>{props.label}</dt>
      <dd>
        <span class="kpi-value">{props.value}</span>
        {props.note && <small>{props.note}</small>}
      </dd>
    </div>
  );
}

function UtmTable(props: { title: string; rows: UtmRow[]; id: string }) {
  return (
    <section class="card" aria-labelledby={`${props.id}-h`}>
      <h2 id={`${props.id}-h`}>{props.title}</h2>
      {props.rows.length === 0 ? (
        <p class="empty">No UTM-tagged visits in this range.</p>
      ) : (
        <DataTable id={props.id} columns={['Name', ['Visitors', 'num'], ['Events', 'num']]}>
          {props.rows.map((r) => (
            <tr>
              <td>{r.name}</td>
              <td class="num">{fmtInt(r.visitors)}</td>
              <td class="num">{fmtInt(r.events)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}

export function OverviewPage({ report: r }: { report: Overview }) {
  const revenue = r.revenue.length
    ? r.revenue.map((x) => fmtMoney(x.amount, x.currency)).join(' + ')
    : fmtMoney(0, 'EUR');
  return (
    <>
      <dl class="kpis">
        <Kpi id="kpi-events" label="Events" value={fmtInt(r.events)} />
        <Kpi id="kpi-visitors" label="Unique visitors" value={fmtInt(r.visitors)} />
        <Kpi id="kpi-pageviews" label="Pageviews" value={fmtInt(r.pageviews)} />
        <Kpi
          id="kpi-conversion"
          label="Conversion rate"
          value={fmtPct(r.conversionRate)}
          note={`${fmtInt(r.purchasers)} of ${fmtInt(r.visitors)} visitors purchased`}
        />
        <Kpi
          id="kpi-revenue"
          label="Revenue"
          value={revenue}
          note={`${fmtInt(r.purchases)} ${r.purchases === 1 ? 'purchase' : 'purchases'}`}
        />
      </dl>
      <section class="card">
        <DailyChart
          label="Events and unique visitors per day"
          days={r.daily.map((d) => d.day)}
          series={[
            { label: 'Events', values: r.daily.map((d) => d.events) },
            { label: 'Visitors', values: r.daily.map((d) => d.visitors) },
          ]}
        />
      </section>
      <div class="grid">
        <section class="card" aria-labelledby="top-events-h">
          <h2 id="top-events-h">Top events</h2>
          {r.topEvents.length === 0 ? (
            <p class="empty">No events in this range.</p>
          ) : (
            <DataTable id="top-events" columns={['Event', ['Count', 'num']]}>
              {r.topEvents.map((e) => (
                <tr>
                  <td>{e.name}</td>
                  <td class="num">{fmtInt(e.count)}</td>
                </tr>
              ))}
            </DataTable>
          )}
        </section>
        <UtmTable id="top-sources" title="Top UTM sources" rows={r.topSources} />
        <UtmTable id="top-campaigns" title="Top UTM campaigns" rows={r.topCampaigns} />
        <section class="card" aria-labelledby="consent-h">
          <h2 id="consent-h">Consent opt-in rate</h2>
          {r.consent.basis === 'none' ? (
            <p class="empty">No consent decisions in this range.</p>
          ) : (
            <>
              <p class="note">
                {`Latest decision of ${fmtInt(r.consent.decisions)} visitors, from ${
                  r.consent.basis === 'records' ? 'consent records' : 'consent stamped on events'
                }.`}
              </p>
              <ul class="bars" id="consent-rates">
                {r.consent.rates.map((x) => (
                  <li>
                    <span>{x.category}</span>
                    <meter min={0} max={1} value={x.rate} aria-label={`${x.category} opt-in`} />
                    <span class="num">{fmtPct(x.rate)}</span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      </div>
    </>
  );
}
