// Integration clients of the organisations (administrators) and webhook subscriptions (operators of
// their organisation, administrators) with each subscription's delivery log: replay a delivery, ping,
// resume a paused subscription.
import { useState } from 'preact/hooks';
import { api, call, type Schemas } from '../../api';
import { Button, Loading, Notice } from '../../components/ui';
import { formatDateTime } from '../../format';
import { T } from '../../text';
import { TableWrap } from '../components';
import { failure, useLoad } from '../data';
import { useMe } from '../useMe';

const I = T.console.integration;
const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function IntegrationScreen() {
  const me = useMe();
  return (
    <section aria-labelledby="integration-title">
      <h1 id="integration-title">{I.title}</h1>
      {me?.role === 'administrator' && <Clients />}
      <Webhooks />
    </section>
  );
}

function Clients() {
  const clients = useLoad(() => call(() => api.GET('/integration-clients')), []);
  return (
    <section aria-labelledby="clients-title">
      <h2 id="clients-title">{I.clients}</h2>
      {clients.error ? <Notice kind="error">{clients.error}</Notice> : !clients.data ? <Loading /> : clients.data.items.length === 0 ? <p class="empty-state">{I.clientsEmpty}</p> : (
        <TableWrap label={I.clients}>
          <table class="table">
            <thead><tr><th scope="col">{T.console.staff.name}</th><th scope="col">client_id</th><th scope="col">{T.console.staff.organisation}</th><th scope="col">{I.scopes}</th></tr></thead>
            <tbody>{clients.data.items.map((c) => <tr><td>{c.name}</td><td><code>{c.clientId}</code></td><td>{c.organisationId}</td><td>{c.scopes.join(', ')}</td></tr>)}</tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}

function Webhooks() {
  const subs = useLoad(() => call(() => api.GET('/webhooks/subscriptions')), []);
  const [shown, setShown] = useState<Schemas['WebhookSubscription'] | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const act = (p: Promise<unknown>) => p.then(() => { setNote(T.console.saved); subs.reload(); }, (e) => setNote(failure(e).text));
  const path = (id: number) => ({ params: { path: { subscriptionId: id } } });
  return (
    <section aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">{I.webhooks}</h2>
      {note && <Notice kind="info">{note}</Notice>}
      {subs.error ? <Notice kind="error">{subs.error}</Notice> : !subs.data ? <Loading /> : subs.data.items.length === 0 ? <p class="empty-state">{I.webhooksEmpty}</p> : (
        <TableWrap label={I.webhooks}>
          <table class="table">
            <thead><tr><th scope="col">{I.url}</th><th scope="col">{T.console.staff.organisation}</th><th scope="col">{I.events}</th><th scope="col">{I.status}</th><th scope="col"><span class="visually-hidden">{T.console.case.actions}</span></th></tr></thead>
            <tbody>
              {subs.data.items.map((s) => (
                <tr>
                  <td class="cell-text">{s.url}</td><td>{s.organisationId}</td><td>{s.events.join(', ') || T.console.any}</td><td>{s.status}</td>
                  <td class="actions">
                    <Button kind="secondary" onClick={() => setShown(s)}>{I.show}</Button>
                    <Button kind="link" onClick={() => void act(call(() => api.POST('/webhooks/subscriptions/{subscriptionId}/ping', path(s.id))))}>{I.ping}</Button>
                    {s.status !== 'active' && <Button kind="link" onClick={() => void act(call(() => api.POST('/webhooks/subscriptions/{subscriptionId}/resume', path(s.id))))}>{I.resume}</Button>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {shown && <Deliveries sub={shown} />}
    </section>
  );
}

function Deliveries({ sub }: { sub: Schemas['WebhookSubscription'] }) {
  const log = useLoad(() => call(() => api.GET('/webhooks/subscriptions/{subscriptionId}/deliveries', { params: { path: { subscriptionId: sub.id } } })), [sub.id]);
  const replay = (deliveryId: number) => call(() => api.POST('/webhooks/subscriptions/{subscriptionId}/deliveries/{deliveryId}/replay', { params: { path: { subscriptionId: sub.id, deliveryId } } }))
    .then(log.reload, log.reload);
  return (
    <section class="card" aria-labelledby="deliveries-title">
      <h3 id="deliveries-title">{I.deliveriesOf(sub.url)}</h3>
      {log.error ? <Notice kind="error">{log.error}</Notice> : !log.data ? <Loading /> : log.data.items.length === 0 ? <p>{I.deliveriesEmpty}</p> : (
        <TableWrap label={I.deliveries}>
          <table class="table">
            <thead><tr><th scope="col">{T.console.case.auditWhen}</th><th scope="col">{I.events}</th><th scope="col">{T.console.queue.number}</th><th scope="col">{I.status}</th><th scope="col">{I.attempts}</th><th scope="col">{I.lastStatus}</th><th scope="col"><span class="visually-hidden">{I.replay}</span></th></tr></thead>
            <tbody>
              {log.data.items.map((d) => (
                <tr>
                  <td>{formatDateTime(d.createdAt, ZONE)}</td><td>{d.eventType}</td><td>{d.caseId}</td><td>{d.status}</td><td>{d.attempts}</td>
                  <td>{d.lastStatusCode ?? d.lastError ?? T.console.none}</td>
                  <td><Button kind="link" onClick={() => void replay(d.id)}>{I.replay}</Button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}
