// The place of the monitoring dashboards: they come with the monitoring API.
import { T } from '../text';

export function Dashboards() {
  return (
    <section aria-labelledby="dash-title">
      <h1 id="dash-title">{T.console.dashboards.title}</h1>
      <p class="empty-state">{T.console.dashboards.empty}</p>
    </section>
  );
}
