// A chart of the dashboards, drawn with Chart.js on a canvas. A canvas is not readable by a screen reader,
// so every chart is an image with a name (role="img") and the same figures follow it as a table (with the
// drill-down links); the chart adds the picture, the table the access. No animation: it would only delay
// the figures and move in front of people who asked for reduced motion.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import { T } from '../../text';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

/** Colours with at least 3:1 against white (WCAG 1.4.11), told apart also by the legend's order and dashes. */
const COLOURS = ['#0b57a4', '#b3261e', '#155724', '#6b4100'];
const DASHES = [[], [6, 4], [2, 3], [10, 3]];

export interface Series {
  label: string;
  values: (number | null)[];
}

export function ChartView(p: { id: string; title: string; kind: 'line' | 'bar'; labels: string[]; series: Series[]; horizontal?: boolean; max?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const key = JSON.stringify([p.kind, p.labels, p.series, p.horizontal, p.max]);
  useEffect(() => {
    const value = p.horizontal ? 'x' : 'y';
    // Long names are cut to fit a phone; the table below has them whole.
    const room = innerWidth < 600 ? 18 : 40;
    const chart = new Chart(canvas.current!, {
      type: p.kind,
      data: {
        labels: p.labels.map((l) => (l.length > room ? `${l.slice(0, room)}…` : l)),
        datasets: p.series.map((s, i) => ({
          label: s.label, data: s.values, borderColor: COLOURS[i % 4], backgroundColor: COLOURS[i % 4], borderDash: DASHES[i % 4],
          borderWidth: 2, pointRadius: 3, spanGaps: true,
        })),
      },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, indexAxis: p.horizontal ? 'y' : 'x',
        scales: { [value]: { beginAtZero: true, max: p.max, ticks: { precision: 0 } } },
        plugins: { legend: { position: 'bottom', labels: { color: '#1f1f1f' } } },
      },
    });
    return () => chart.destroy();
  }, [key]);
  const height = p.horizontal ? Math.max(160, 60 + p.labels.length * 28 * Math.max(1, p.series.length / 1.5)) : 260;
  return (
    <figure class="chart" data-testid={`chart-${p.id}`}>
      <figcaption id={`${p.id}-caption`}>{p.title}</figcaption>
      <div class="chart__canvas" style={{ height: `${height}px` }}>
        <canvas ref={canvas} role="img" aria-label={T.console.dashboards.chartAlt(p.title)} />
      </div>
    </figure>
  );
}
