// Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) over the classifier and the cases read
// model: services are a region's subcategories, service requests are cases, the jurisdiction is the
// region. No Express here: functions take the database and plain values, and throw HttpProblem (the
// app renders problems on /open311/ paths as GeoReport error arrays, see ./errors.ts).
import { createHash, randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';
import type { AppealStatus, Resolution } from '../../workflows/appeal/messages';
import { overdueSql } from '../cases/overdue';
import type { AuthUser } from '../identity/users';
import { HttpProblem, PROBLEM, problems } from '../problem';
import { subcategoryNeedsPlace } from '../reference/checks';

type S = components['schemas'];
export type GeoReportService = S['Open311Service'];
export type GeoReportServiceDefinition = S['Open311ServiceDefinition'];
export type GeoReportRequest = S['Open311ServiceRequest'];
export type GeoReportSubmission = S['Open311RequestSubmission'];

/** The code of the one attribute services ask for: the municipality (territory) where the problem is. */
export const TERRITORY_ATTRIBUTE = 'territory';
/** GET requests.json never spans more than this (GeoReport v2), and defaults to the last this many days. */
export const WINDOW_DAYS = 90;
/** At most this many requests per GET requests.json (GeoReport v2 suggests 1000 as the cap). */
export const MAX_REQUESTS = 1000;
/** Idempotency keys of Open311 submissions start with this; the rest is the request's token. */
const KEY_PREFIX = 'open311:';

/** A GeoReport datetime (w3 profile of ISO 8601), UTC, whole seconds. */
export function w3(v: Date | string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  const d = v instanceof Date ? v : new Date(v);
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function badRequest(detail: string): HttpProblem {
  return new HttpProblem({ status: 400, type: PROBLEM.validation, title: 'Invalid request', detail });
}

// ---- jurisdictions and services ----

interface RegionRow { id: string; name: string; time_zone: string; default_term_days: number | null }

/** The regions a request is about: the one named by jurisdiction_id (404 when unknown), or all. */
export async function jurisdictions(db: Db, jurisdictionId: string | undefined): Promise<RegionRow[]> {
  const qb = db('regions as r').leftJoin('regulation_profiles as p', 'p.region_id', 'r.id').select('r.id', 'r.name', 'r.time_zone', 'p.default_term_days').orderBy('r.id');
  if (jurisdictionId !== undefined) qb.where('r.id', jurisdictionId);
  const rows = (await qb) as RegionRow[];
  if (jurisdictionId !== undefined && rows.length === 0) throw problems.notFound(`There is no jurisdiction ${jurisdictionId}; jurisdiction_id is a region id (see services.json).`);
  return rows;
}

interface ServiceRow {
  id: string; name: string; region_id: string; category_id: string; category_name: string; term_days: number | null; default_term_days: number | null;
}

async function serviceRows(db: Db, regionIds: string[], serviceCode?: string): Promise<ServiceRow[]> {
  const qb = db('categories as s')
    .join('categories as c', 'c.id', 's.parent_id')
    .leftJoin('accelerated_subcategories as a', 'a.subcategory_id', 's.id')
    .leftJoin('regulation_profiles as p', 'p.region_id', 's.region_id')
    .whereIn('s.region_id', regionIds)
    .select('s.id', 's.name', 's.region_id', 'c.id as category_id', 'c.name as category_name', 'a.term_days', 'p.default_term_days')
    .orderBy([{ column: 's.region_id' }, { column: 'c.name' }, { column: 's.name' }, { column: 's.id' }]);
  if (serviceCode !== undefined) qb.where('s.id', serviceCode);
  return (await qb) as ServiceRow[];
}

/** Territories an applicant may pick, per region: every territory below the region's root. */
async function territoryChoices(db: Db, regionIds: string[]): Promise<Map<string, { id: string; name: string }[]>> {
  const rows = await db('territories').whereIn('region_id', regionIds).whereNotNull('parent_id').orderBy(['region_id', 'name', 'id']).select('id', 'name', 'region_id');
  const out = new Map<string, { id: string; name: string }[]>();
  for (const r of rows) out.set(r.region_id, [...(out.get(r.region_id) ?? []), { id: r.id, name: r.name }]);
  return out;
}

function termDaysOf(s: Pick<ServiceRow, 'term_days' | 'default_term_days'>): number | null {
  return s.term_days ?? s.default_term_days ?? null;
}

function serviceOf(s: ServiceRow, hasAttributes: boolean): GeoReportService {
  const days = termDaysOf(s);
  const keywords = [s.category_name, ...(s.term_days !== null ? ['ускоренное рассмотрение'] : [])];
  return {
    service_code: s.id,
    service_name: s.name,
    description: `${s.category_name}: ${s.name}.${days !== null ? ` Срок ответа — до ${days} дн.` : ''}`,
    metadata: hasAttributes,
    type: 'realtime',
    keywords: keywords.join(', '),
    group: s.category_name,
  };
}

/** services.json: the subcategories of the jurisdiction (of every region when none is named). */
export async function listServices(db: Db, jurisdictionId: string | undefined): Promise<GeoReportService[]> {
  const regions = await jurisdictions(db, jurisdictionId);
  const ids = regions.map((r) => r.id);
  const [rows, territories] = await Promise.all([serviceRows(db, ids), territoryChoices(db, ids)]);
  return rows.map((s) => serviceOf(s, (territories.get(s.region_id) ?? []).length > 0));
}

async function service(db: Db, serviceCode: string, jurisdictionId: string | undefined, status: 400 | 404): Promise<ServiceRow> {
  const regions = await jurisdictions(db, jurisdictionId);
  const [row] = await serviceRows(db, regions.map((r) => r.id), serviceCode);
  if (!row) {
    const detail = `There is no service ${serviceCode}${jurisdictionId !== undefined ? ` in jurisdiction ${jurisdictionId}` : ''}; see services.json.`;
    throw status === 404 ? problems.notFound(detail) : badRequest(`service_code: ${detail}`);
  }
  return row;
}

/**
 * services/{service_code}.json: the attributes a request of that service may carry. The territory is
 * required where the subcategory goes to the local self-government of the place (the request is refused
 * without one, as POST /appeals is).
 */
export async function serviceDefinition(db: Db, serviceCode: string, jurisdictionId: string | undefined): Promise<GeoReportServiceDefinition> {
  const s = await service(db, serviceCode, jurisdictionId, 404);
  const choices = (await territoryChoices(db, [s.region_id])).get(s.region_id) ?? [];
  return {
    service_code: s.id,
    attributes: choices.length === 0 ? [] : [{
      variable: true,
      code: TERRITORY_ATTRIBUTE,
      datatype: 'singlevaluelist',
      required: await subcategoryNeedsPlace(db, s.region_id, s.category_id, s.id),
      datatype_description: 'Один из муниципальных районов, городских округов или поселений региона',
      order: 1,
      description: 'Муниципальное образование, где находится проблема (по нему выбирается ответственный орган)',
      values: choices.map((t) => ({ key: t.id, name: t.name })),
    }],
  };
}

// ---- service requests: reading ----

interface RequestRow {
  id: string; kind: 'message' | 'appeal'; region_id: string; subcategory_id: string | null; text: string; address: string | null;
  latitude: number | null; longitude: number | null; media_url: string | null;
  status: AppealStatus; resolution: Resolution | null; overdue: boolean; round: number; answer_text: string | null;
  registered_at: Date; answer_due_at: Date | null; updated_at: Date; term_days: number | null;
  service_name: string | null; organisation_name: string | null;
}

const CLOSED_NOTES: Record<Resolution, string> = {
  rated_positive: 'Закрыто: ответ оценён положительно',
  rating_window_expired: 'Закрыто: ответ дан, срок оценки истёк',
  left_without_answer: 'Закрыто: оставлено без ответа по существу',
  closed_by_supervisor: 'Закрыто куратором',
  negative_at_top: 'Закрыто: ответ оценён отрицательно, вышестоящих участников нет',
};

/**
 * status_notes: the platform's status in Russian. The answer's text is public for messages (problem
 * reports) and private for 59-FZ appeals.
 */
export function statusNotes(r: Pick<RequestRow, 'kind' | 'status' | 'resolution' | 'overdue' | 'round' | 'answer_text'>): string {
  let note: string;
  switch (r.status) {
    case 'registered': note = r.round > 1 ? 'Зарегистрировано, повторное рассмотрение' : 'Зарегистрировано'; break;
    case 'in_work': note = 'В работе'; break;
    case 'clarification_requested': note = 'Запрошено уточнение у заявителя'; break;
    case 'answered': note = r.kind === 'message' && r.answer_text ? `Дан ответ: ${r.answer_text}` : 'Дан ответ'; break;
    case 'closed': note = r.resolution ? CLOSED_NOTES[r.resolution] : 'Закрыто'; break;
    default: note = String(r.status);
  }
  if (r.overdue && r.status !== 'closed') note += '; срок ответа нарушен';
  return note;
}

/** open / closed: GeoReport's two statuses; only a closed case is closed. */
export function geoReportStatus(status: AppealStatus): 'open' | 'closed' {
  return status === 'closed' ? 'closed' : 'open';
}

function serviceNotice(days: number | null, due: Date | null, timeZone: string | null): string | null {
  if (due === null) return null;
  const date = DateTime.fromJSDate(due instanceof Date ? due : new Date(due), { zone: timeZone ?? 'UTC' }).toFormat('dd.MM.yyyy');
  return `Срок ответа${days !== null ? ` — ${days} дн.` : ''}, до ${date} включительно`;
}

/** A case as a GeoReport service request. Nothing of the applicant; appeals (59-FZ, private) without their text or place. */
export function requestOf(r: RequestRow & { time_zone: string | null }): GeoReportRequest {
  const publicReport = r.kind === 'message';
  return {
    service_request_id: r.id,
    status: geoReportStatus(r.status),
    status_notes: statusNotes(r),
    service_name: r.service_name,
    service_code: r.subcategory_id,
    description: publicReport ? r.text : null,
    agency_responsible: r.organisation_name,
    service_notice: serviceNotice(r.term_days, r.answer_due_at, r.time_zone),
    requested_datetime: w3(r.registered_at) as string,
    updated_datetime: w3(r.updated_at) as string,
    expected_datetime: w3(r.answer_due_at),
    address: publicReport ? r.address : null,
    address_id: null,
    zipcode: null,
    lat: publicReport && r.latitude !== null ? Number(r.latitude) : null,
    long: publicReport && r.longitude !== null ? Number(r.longitude) : null,
    media_url: publicReport ? r.media_url : null,
  };
}

function requestQuery(db: Db) {
  return db('cases as c')
    .where('c.case_type', 'appeal')
    .leftJoin('organisations as o', 'o.id', 'c.organisation_id')
    .leftJoin('categories as s', 's.id', 'c.subcategory_id')
    .join('regions as r', 'r.id', 'c.region_id')
    .select(
      'c.id', 'c.kind', 'c.region_id', 'c.subcategory_id', 'c.text', 'c.address', 'c.latitude', 'c.longitude', 'c.media_url', 'c.status', 'c.resolution', db.raw(`${overdueSql('c')} as overdue`), 'c.round',
      'c.answer_text', 'c.registered_at', 'c.answer_due_at', 'c.updated_at', 'c.term_days',
      's.name as service_name', 'o.name as organisation_name', 'r.time_zone',
    );
}

/** Splits a GeoReport comma list ("a,b,c"), dropping empty items. */
export function commaList(v: string | undefined): string[] {
  return v === undefined ? [] : v.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
}

export interface RequestFilters {
  jurisdiction_id?: string;
  service_request_id?: string;
  service_code?: string;
  start_date?: string;
  end_date?: string;
  status?: string;
}

/**
 * GET requests.json. service_request_id (a comma list) overrides every other filter but the
 * jurisdiction. Otherwise: requested_datetime within [start_date, end_date] (by default the last 90
 * days; at most 90 days), service_code and status (open / closed) as comma lists; newest first, at
 * most 1000.
 */
export async function listRequests(db: Db, f: RequestFilters, now = new Date()): Promise<GeoReportRequest[]> {
  if (f.jurisdiction_id !== undefined) await jurisdictions(db, f.jurisdiction_id);
  const qb = requestQuery(db).orderBy([{ column: 'c.registered_at', order: 'desc' }, { column: 'c.id', order: 'desc' }]).limit(MAX_REQUESTS);
  if (f.jurisdiction_id !== undefined) qb.where('c.region_id', f.jurisdiction_id);
  const ids = commaList(f.service_request_id);
  if (ids.length > 0) {
    qb.whereIn('c.id', ids);
  } else {
    // One bound given: the window is the 90 days from (or up to) it; none: the last 90 days.
    const end = f.end_date !== undefined ? new Date(f.end_date) : f.start_date !== undefined ? new Date(new Date(f.start_date).getTime() + WINDOW_DAYS * 86_400_000) : now;
    const start = f.start_date !== undefined ? new Date(f.start_date) : new Date(end.getTime() - WINDOW_DAYS * 86_400_000);
    // A date-time the schema admits but JavaScript cannot represent (a leap second): refused, not a 500.
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) throw badRequest('start_date and end_date must be w3 datetimes, e.g. 2026-11-27T10:00:00+07:00.');
    if (start.getTime() > end.getTime()) throw badRequest('start_date is after end_date.');
    if (end.getTime() - start.getTime() > WINDOW_DAYS * 86_400_000) throw badRequest(`start_date and end_date may not span more than ${WINDOW_DAYS} days.`);
    qb.where('c.registered_at', '>=', start).where('c.registered_at', '<=', end);
    const codes = commaList(f.service_code);
    if (codes.length > 0) qb.whereIn('c.subcategory_id', codes);
    const statuses = new Set(commaList(f.status));
    if (statuses.has('open') !== statuses.has('closed')) qb.where('c.status', statuses.has('closed') ? '=' : '<>', 'closed');
  }
  return (await qb).map(requestOf);
}

/** GET requests/{id}.json: one request, as an array of one; 404 when there is none (in the jurisdiction). */
export async function getRequest(db: Db, id: string, jurisdictionId: string | undefined): Promise<GeoReportRequest[]> {
  if (jurisdictionId !== undefined) await jurisdictions(db, jurisdictionId);
  const qb = requestQuery(db).where('c.id', id);
  if (jurisdictionId !== undefined) qb.where('c.region_id', jurisdictionId);
  const row = await qb.first();
  if (!row) throw problems.notFound(`There is no service request ${id}${jurisdictionId !== undefined ? ` in jurisdiction ${jurisdictionId}` : ''}.`);
  return [requestOf(row)];
}

/** GET tokens/{token}.json: the request a token of POST requests.json stands for. */
export async function requestOfToken(db: Db, token: string, jurisdictionId: string | undefined): Promise<{ service_request_id: string; token: string }[]> {
  if (jurisdictionId !== undefined) await jurisdictions(db, jurisdictionId);
  const qb = db('case_intake as i').join('cases as c', 'c.id', 'i.case_id').where('i.idempotency_key', KEY_PREFIX + token).select('i.case_id');
  if (jurisdictionId !== undefined) qb.where('c.region_id', jurisdictionId);
  const rows = await qb;
  // Tokens are random or derived from a client's own key with its id: two rows would be a collision.
  if (rows.length !== 1) throw problems.notFound(`There is no service request for token ${token}.`);
  return [{ service_request_id: rows[0].case_id, token }];
}

// ---- service requests: submitting ----

/** The client of an Open311 API key: an integration client with the scope cases:submit. */
export function checkSubmitter(user: AuthUser | null): AuthUser {
  if (!user) throw problems.unauthorized('The api_key is invalid or revoked.', true);
  if (user.role !== 'integration') throw problems.forbidden('POST requests.json is for integration clients (an api_key of role integration).');
  if (!user.scopes?.includes('cases:submit')) {
    throw problems.forbidden(`This api_key lacks the scope cases:submit; it has: ${(user.scopes ?? []).join(', ') || 'none'}.`);
  }
  return user;
}

/**
 * The token and the intake's Idempotency-Key of a submission. With the client's own Idempotency-Key
 * header a retry maps to the same case (the token is derived from the client and its key); without
 * one, every POST is a new request, as GeoReport has no idempotency of its own.
 */
export function submissionToken(user: AuthUser, clientKey: string | undefined): { token: string; idempotencyKey: string } {
  const token = clientKey === undefined
    ? randomBytes(16).toString('hex')
    : createHash('sha256').update(`${user.id}\u0000${clientKey}`).digest('hex').slice(0, 32);
  return { token, idempotencyKey: KEY_PREFIX + token };
}

/** The GeoReport fields that clients send in the query string as often as in the form. */
export interface GeoReportQueryCredentials {
  api_key?: string;
  jurisdiction_id?: string;
}

/**
 * A submission's fields with api_key and jurisdiction_id taken from the query string or the form:
 * GeoReport v2 does not fix where they go, and client libraries differ. Given in both places, the two
 * values must agree.
 */
export function submissionFields(body: GeoReportSubmission, query: GeoReportQueryCredentials): GeoReportSubmission {
  const fields = { ...body };
  for (const name of ['api_key', 'jurisdiction_id'] as const) {
    const value = query[name];
    if (value === undefined) continue;
    if (body[name] !== undefined && body[name] !== value) throw badRequest(`${name} is given in the query string and in the form with different values.`);
    fields[name] = value;
  }
  return fields;
}

export interface CaseSubmission {
  kind: 'message';
  regionId: string;
  subcategoryId: string;
  territoryId?: string;
  text: string;
  address?: string;
  location?: { latitude: number; longitude: number };
  mediaUrl?: string;
  applicant: { name: string; email?: string };
}

const TEXT_MAX = 10_000;

/**
 * A GeoReport submission as the platform's submission of a message (kind message: a problem report,
 * outside 59-FZ). lat/long become the case's location and media_url its media link (columns of the
 * case, shown again by the GET representation); phone and device_id are not kept.
 */
export async function caseSubmissionOf(db: Db, user: AuthUser, b: GeoReportSubmission): Promise<CaseSubmission> {
  const s = await service(db, b.service_code, b.jurisdiction_id, 400);
  const org = user.organisationId ? await db('organisations').where({ id: user.organisationId }).first('region_id') : undefined;
  if (!org || org.region_id !== s.region_id) {
    throw problems.forbidden(`This api_key submits to jurisdiction ${org?.region_id ?? '(none)'} only; service ${s.id} is in ${s.region_id}.`);
  }
  const attributes = Object.entries(b).filter(([k]) => k.startsWith('attribute['));
  let territoryId: string | undefined;
  for (const [k, v] of attributes) {
    const code = k.slice('attribute['.length, -1);
    if (code !== TERRITORY_ATTRIBUTE) throw badRequest(`${k}: service ${s.id} has no attribute ${code} (see services/${s.id}.json).`);
    const t = await db('territories').where({ id: v, region_id: s.region_id }).whereNotNull('parent_id').first('id');
    if (!t) throw badRequest(`${k}: ${String(v)} is not one of the values of attribute ${code} (see services/${s.id}.json).`);
    territoryId = t.id;
  }
  if (territoryId === undefined) {
    // No municipality named: the case is about the region as a whole (its root territory).
    const roots = await db('territories').where({ region_id: s.region_id }).whereNull('parent_id').select('id');
    if (roots.length === 1) territoryId = roots[0].id as string;
  }

  const hasLat = b.lat !== undefined;
  if (hasLat !== (b.long !== undefined)) throw badRequest('lat and long go together: send both or neither.');
  const address = b.address_string?.trim() || undefined;
  if (!address && !hasLat) {
    throw badRequest(b.address_id !== undefined
      ? 'address_id is not supported (there is no address repository here): send address_string or lat and long.'
      : 'A location is required: lat and long, or address_string.');
  }
  if (address && address.length > 1000) throw badRequest('address_string: too long (at most 1000 characters).');

  const text = b.description?.trim() || s.name;
  if (text.length > TEXT_MAX) throw badRequest(`description: too long (at most ${TEXT_MAX} characters).`);

  const name = [b.first_name, b.last_name].map((x) => x?.trim()).filter((x) => !!x).join(' ') || user.name;
  return {
    kind: 'message',
    regionId: s.region_id,
    subcategoryId: s.id,
    ...(territoryId ? { territoryId } : {}),
    text,
    ...(address ? { address } : {}),
    ...(hasLat ? { location: { latitude: Number(b.lat), longitude: Number(b.long) } } : {}),
    ...(b.media_url !== undefined ? { mediaUrl: b.media_url } : {}),
    applicant: { name, ...(b.email !== undefined ? { email: b.email } : {}) },
  };
}

/** The service_notice of a freshly registered request. */
export async function registrationNotice(db: Db, caseId: string): Promise<string | null> {
  const row = await db('cases as c').join('regions as r', 'r.id', 'c.region_id').where('c.id', caseId).first('c.term_days', 'c.answer_due_at', 'r.time_zone');
  return row ? serviceNotice(row.term_days, row.answer_due_at, row.time_zone) : null;
}
