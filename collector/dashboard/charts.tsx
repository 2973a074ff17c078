/** A uPlot line chart over days (public/charts.js draws it) with the numbers as a table. */
export function DailyChart(props: {
  label: string;
  days: string[];
  series: { label: string; values: number[] }[];
}) {
  const data = JSON.stringify({ days: props.days, series: props.series });
  return (
    <figure class="chart">
      <figcaption>{props.label}</figcaption>
      <div class="chart-plot" data-chart={data} aria-hidden="true" />
      <details>
        <summary>Show as table</summary>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Day</th>
                {props.series.map((s) => (
                  <th scope="col">{s.label}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.days.map((day, i) => (
                <tr>
                  <th scope="row">{day}</th>
                  {props.series.map((s) => (
                    <td class="num">{s.values[i]}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
