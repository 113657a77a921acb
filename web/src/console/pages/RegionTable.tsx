// The region's official pages table for its supervisors: per municipal district, the organisations, those
// with a connected page, the pages, marked and with the widget, and the posts of the last 30 days.
import { api, call } from '../../api';
import { Loading, Notice } from '../../components/ui';
import { formatDate } from '../../format';
import { T } from '../../text';
import { TableWrap } from '../components';
import { useLoad } from '../data';

const P = T.console.pages;

export function RegionTable({ regionId }: { regionId: string }) {
  const report = useLoad(() => call(() => api.GET('/regions/{regionId}/official-pages', { params: { path: { regionId } } })), [regionId]);
  if (report.error) return <Notice kind="error">{report.error}</Notice>;
  if (!report.data) return <Loading />;
  const r = report.data;
  const rows = [...r.districts.map((d) => ({ ...d, label: d.districtName ?? P.regionLevel })), { ...r.total, label: P.total }];
  return (
    <section class="card" aria-labelledby="pages-report-title">
      <h2 id="pages-report-title">{P.reportTitle}</h2>
      <p class="hint">{P.reportPeriod(formatDate(`${r.from}T12:00:00Z`, 'UTC'), formatDate(`${r.to}T12:00:00Z`, 'UTC'))}</p>
      <TableWrap label={P.reportTitle}>
        <table class="table" data-testid="pages-report">
          <thead><tr>
            <th scope="col">{P.district}</th><th scope="col">{P.organisations}</th><th scope="col">{P.connected}</th>
            <th scope="col">{P.pages}</th><th scope="col">{P.marked}</th><th scope="col">{P.withWidget}</th><th scope="col">{P.published}</th>
          </tr></thead>
          <tbody>
            {rows.map((d) => (
              <tr>
                <th scope="row">{d.label}</th><td>{d.organisations}</td><td>{d.connectedOrganisations}</td>
                <td>{d.pages}</td><td>{d.marked}</td><td>{d.withWidget}</td><td>{d.published}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </section>
  );
}
