// The supervisors' digest of overdue appeals. A case that goes overdue leaves a notice (overdueNoticeOf,
// written by the appeal's projection in the transaction of its 'overdue' event); composeOverdueDigests,
// run by workflows/appeal/overdue-digest.ts on a schedule, turns each region's waiting notices into one
// digest and one outbox row per supervisor of the region. A burst of 10,000 terms at one local midnight
// thus makes one mail per supervisor, not 10,000. Texts are in Russian: they go to people.
import type { Knex } from 'knex';
import type { Db } from '../../db/connection';
import type { OutboxRow } from '../outbound/outbox';
import type { OverdueDigestSettings } from '../../workflows/appeal/messages';
import { localDateFormat, type NotifiedTransition } from '../outbound/notices';

/** Case numbers listed per organisation in a digest; the rest are counted (the console lists them all). */
export const DIGEST_CASES_LISTED = 20;

/** The notice an 'overdue' transition leaves for the next digest; null for any other transition. */
export function overdueNoticeOf(t: NotifiedTransition) {
  if (t.type !== 'overdue') return null;
  const { state } = t;
  return { case_id: state.caseId, seq: state.seq, region_id: state.regionId, organisation_id: state.organisationId, answer_due_at: state.answerDueAt };
}

interface WaitingNotice { id: string; case_id: string; organisation_id: string | null; org_name: string | null; answer_due_at: Date | null }

/** The digest's text: how many cases, then by organisation (most first) their numbers and terms. */
export function digestText(notices: WaitingNotice[], timeZone: string): { subject: string; body: string } {
  const byOrg = new Map<string, WaitingNotice[]>();
  for (const n of notices) {
    const name = n.org_name ?? n.organisation_id ?? '—';
    const list = byOrg.get(name);
    if (list) list.push(n);
    else byOrg.set(name, [n]);
  }
  const format = localDateFormat(timeZone);
  const localDate = (d: Date | null) => (d ? format.format(new Date(d)) : '—');
  const sections = [...byOrg.entries()].sort((a, b) => b[1].length - a[1].length).map(([org, list]) => {
    const shown = list.slice(0, DIGEST_CASES_LISTED).map((n) => `  № ${n.case_id} — срок до ${localDate(n.answer_due_at)}`);
    const more = list.length > DIGEST_CASES_LISTED ? [`  и ещё ${list.length - DIGEST_CASES_LISTED}`] : [];
    return [`«${org}» — ${list.length}:`, ...shown, ...more].join('\n');
  });
  return {
    subject: `Просрочка: ${notices.length} ${casesWord(notices.length)} без ответа в срок`,
    body: `Истёк срок ответа по ${notices.length} ${casesWord(notices.length, true)}.\n\n${sections.join('\n\n')}\n\nПолный список — в консоли, фильтр «Просрочено».`,
  };
}

/** «обращение», «обращения», «обращений» (or the dative «обращению», «обращениям») by the number. */
function casesWord(n: number, dative = false): string {
  const forms = dative
    ? { one: 'обращению', few: 'обращениям', many: 'обращениям' }
    : { one: 'обращение', few: 'обращения', many: 'обращений' };
  // Russian plural categories from the runtime's CLDR data (for whole numbers: one, few or many).
  return forms[RUSSIAN_PLURAL.select(n) as keyof typeof forms] ?? forms.many;
}

const RUSSIAN_PLURAL = new Intl.PluralRules('ru-RU');

/**
 * One region's digest, in one transaction: its waiting notices, a digest row, an outbox row per
 * supervisor, the notices marked as digested. A transaction-scoped advisory lock per region keeps two
 * composers (a retry racing a late attempt, two deployments) from digesting one region at once; the
 * loser leaves it to the winner. Returns the number of cases digested (0: nothing, or locked).
 */
async function digestRegion(db: Db, regionId: string): Promise<number> {
  return db.transaction(async (trx) => {
    const { rows: [lock] } = await trx.raw('select pg_try_advisory_xact_lock(hashtext(?)) as locked', [`overdue-digest:${regionId}`]);
    if (!lock.locked) return 0;
    const notices: WaitingNotice[] = await trx('overdue_notices as n').leftJoin('organisations as o', 'o.id', 'n.organisation_id')
      .where('n.region_id', regionId).whereNull('n.digest_id').orderBy('n.id')
      .select('n.id', 'n.case_id', 'n.organisation_id', 'o.name as org_name', 'n.answer_due_at');
    if (notices.length === 0) return 0;
    const [{ id: digestId }] = await trx('overdue_digests').insert({ region_id: regionId, cases: notices.length }).returning('id');
    const timeZone = (await trx('regions').where({ id: regionId }).first('time_zone'))?.time_zone ?? 'UTC';
    const text = digestText(notices, timeZone);
    const supervisors = await trx('users').where({ role: 'supervisor', region_id: regionId }).select('id', 'email');
    const mails: OutboxRow[] = supervisors.map((sv) => ({
      dedup_key: `overdue-digest:${digestId}:supervisor:${sv.id}`, case_id: null, channel: 'email', recipient_kind: 'supervisor',
      recipient_user_id: sv.id, recipient_address: sv.email, ...text,
    }));
    if (mails.length > 0) await trx('notifications').insert(mails).onConflict('dedup_key').ignore();
    await trx('overdue_notices').whereRaw('id = any(?::bigint[])', [notices.map((n) => n.id)]).update({ digest_id: digestId });
    return notices.length;
  });
}

/**
 * The digests due now: of each region whose waiting notices have been quiet for quietSeconds (the
 * burst is over) or whose oldest notice has waited maxDelaySeconds. Returns the number of digests queued.
 */
export async function composeOverdueDigests(db: Db, settings: OverdueDigestSettings): Promise<number> {
  const ready: { region_id: string }[] = await db('overdue_notices').whereNull('digest_id').groupBy('region_id')
    .havingRaw('max(created_at) <= now() - make_interval(secs => ?) or min(created_at) <= now() - make_interval(secs => ?)',
      [settings.quietSeconds, settings.maxDelaySeconds])
    .select('region_id');
  let digests = 0;
  for (const { region_id } of ready) if ((await digestRegion(db, region_id)) > 0) digests++;
  return digests;
}

/** Writes the notice of an 'overdue' transition, once per step (the projection's transaction). */
export async function queueOverdueNotice(trx: Knex.Transaction, t: NotifiedTransition): Promise<void> {
  const notice = overdueNoticeOf(t);
  if (notice) await trx('overdue_notices').insert(notice).onConflict(['case_id', 'seq']).ignore();
}
