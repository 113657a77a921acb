// Open311 GeoReport v2 on the seeded regions (Temporal dev server, embedded PostgreSQL, worker, API):
// contract tests against the spec's field tables (names, types, required fields, w3 datetimes, open /
// closed), a request submitted with an integration client's API key and read back through every GET as
// it is taken into work, answered and closed, the filters of requests.json, GeoReport errors, and that
// nothing of the applicant leaves through the anonymous reads.
import assert from 'node:assert/strict';
import { createUserWithToken } from '../../domain/identity/users';
import type { Db } from '../../db/connection';
import { call, type CallResult, type TestApi } from '../api/helpers';
import { startSeededPlatform, type SeededPlatform } from '../support/platform';

const W3 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const REQUEST_FIELDS = [
  'service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible', 'service_notice',
  'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url',
];
const SERVICE_FIELDS = ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'];
const ATTRIBUTE_FIELDS = ['variable', 'code', 'datatype', 'required', 'datatype_description', 'order', 'description', 'values'];
const DAY = 86_400_000;

const stringOrNull = (v: unknown) => v === null || typeof v === 'string';
const numberOrNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));

/** Every field of a GeoReport service request, by the field table of GET requests.json. */
function assertRequestContract(r: Record<string, unknown>): void {
  assert.deepEqual(Object.keys(r).sort(), [...REQUEST_FIELDS].sort(), 'exactly the fields of the GeoReport table');
  assert.equal(typeof r.service_request_id, 'string');
  assert.ok(r.status === 'open' || r.status === 'closed', `status ${String(r.status)} is open or closed only`);
  assert.equal(typeof r.status_notes, 'string');
  for (const f of ['service_name', 'service_code', 'description', 'agency_responsible', 'service_notice', 'address', 'address_id', 'zipcode', 'media_url']) {
    assert.ok(stringOrNull(r[f]), `${f} is a string or null`);
  }
  assert.match(String(r.requested_datetime), W3);
  assert.match(String(r.updated_datetime), W3);
  assert.ok(r.expected_datetime === null || W3.test(String(r.expected_datetime)), 'expected_datetime is a w3 datetime or null');
  assert.ok(numberOrNull(r.lat) && numberOrNull(r.long), 'lat and long are numbers or null');
}

function assertServiceContract(s: Record<string, unknown>): void {
  assert.deepEqual(Object.keys(s).sort(), [...SERVICE_FIELDS].sort());
  for (const f of ['service_code', 'service_name', 'description', 'keywords', 'group']) assert.equal(typeof s[f], 'string', f);
  assert.ok((s.service_name as string).length > 0);
  assert.equal(typeof s.metadata, 'boolean');
  assert.ok(['realtime', 'batch', 'blackbox'].includes(s.type as string));
}

/** A GeoReport error: the status, application/json, an array of {code, description}. */
function assertGeoReportError(r: CallResult, status: number, what: string, description?: RegExp): void {
  assert.equal(r.status, status, `${what}: ${r.text}`);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/, `${what}: content type`);
  assert.ok(Array.isArray(r.body) && r.body.length >= 1, `${what}: an array of errors`);
  for (const e of r.body) {
    assert.deepEqual(Object.keys(e).sort(), ['code', 'description'], what);
    assert.equal(e.code, status, what);
    assert.ok(typeof e.description === 'string' && e.description.length > 0, what);
  }
  if (description) assert.match(r.body[0].description, description, what);
}

describe('Open311 GeoReport v2 (seeded regions)', function () {
  this.timeout(180_000);
  let platform: SeededPlatform;
  let api: TestApi;
  let db: Db;
  const taskQueue = `open311-${process.pid}`;
  const token: Record<string, string> = {};
  let n = 0;

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const post = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    call(api, 'POST', '/open311/v2/requests.json', { raw: form(fields), contentType: 'application/x-www-form-urlencoded', headers });
  const get = (path: string) => call(api, 'GET', `/open311/v2/${path}`);
  const intakeCount = async () => Number((await db('case_intake').count('* as n'))[0].n);

  const applicant = { first_name: 'Пётр', last_name: 'Заявителев', email: 'petr.zayavitelev@example.org', phone: '+7 913 555-01-23' };
  const report = (over: Record<string, string> = {}) => ({
    api_key: token.submitter, jurisdiction_id: 'altai', service_code: 'altai.c.medicine.ambulance',
    description: `Скорая не приехала по вызову на улицу Попова, ${++n}`, address_string: 'г. Барнаул, ул. Попова, 12',
    lat: '53.3481', long: '83.7798', media_url: 'https://photos.example.org/ambulance.jpg', account_id: 'acc-17', device_id: 'dev-1',
    ...applicant, ...over,
  });

  before(async () => {
    platform = await startSeededPlatform('open311', taskQueue, async (d) => {
      db = d;
      // Registration numbers are workflow ids on the shared dev server: a prefix of this file's own.
      await db('regions').where({ id: 'altai' }).update({ number_prefix: '311' });
      token.submitter = (await createUserWithToken(db, { role: 'integration', name: 'Городское приложение', organisationId: 'altai.government', scopes: ['cases:submit', 'cases:read'] })).token;
      token.reader = (await createUserWithToken(db, { role: 'integration', name: 'Только чтение', organisationId: 'altai.government', scopes: ['cases:read'] })).token;
      token.khabarovsk = (await createUserWithToken(db, { role: 'integration', name: 'Хабаровское приложение', organisationId: 'khabarovsk.government', scopes: ['cases:submit'] })).token;
      token.citizen = (await createUserWithToken(db, { role: 'citizen', name: 'Анна Смирнова', email: 'anna@example.org' })).token;
      token.minzdrav = (await createUserWithToken(db, { role: 'operator', name: 'Оператор Минздрава', organisationId: 'altai.minzdrav' })).token;
      token.supervisor = (await createUserWithToken(db, { role: 'supervisor', name: 'ЦУР', regionId: 'altai' })).token;
    });
    ({ api } = platform);
  });

  after(async () => {
    await platform?.stop();
  });

  it('serves the discovery document with a JSON GeoReport v2 endpoint', async () => {
    const r = await get('discovery.json');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.body).sort(), ['changeset', 'contact', 'endpoints', 'key_service']);
    assert.match(r.body.changeset, W3);
    assert.equal(typeof r.body.contact, 'string');
    assert.equal(typeof r.body.key_service, 'string');
    assert.equal(r.body.endpoints.length, 1);
    const e = r.body.endpoints[0];
    assert.deepEqual(Object.keys(e).sort(), ['changeset', 'formats', 'specification', 'type', 'url']);
    assert.equal(e.specification, 'http://wiki.open311.org/GeoReport_v2');
    assert.equal(e.url, `${api.url}/open311/v2`);
    assert.match(e.changeset, W3);
    assert.ok(['production', 'test'].includes(e.type));
    assert.deepEqual(e.formats, ['application/json']);
  });

  it('lists the classifier\'s subcategories of a jurisdiction as services, grouped by category', async () => {
    const r = await get('services.json?jurisdiction_id=altai');
    assert.equal(r.status, 200, r.text);
    r.body.forEach(assertServiceContract);
    const subcategories = await db('categories as s').join('categories as c', 'c.id', 's.parent_id').where('s.region_id', 'altai').select('s.id', 's.name', 'c.name as category');
    assert.deepEqual(r.body.map((s: { service_code: string }) => s.service_code).sort(), subcategories.map((s) => s.id).sort());
    for (const sub of subcategories) {
      const s = r.body.find((x: { service_code: string }) => x.service_code === sub.id);
      assert.equal(s.service_name, sub.name);
      assert.equal(s.group, sub.category);
      assert.equal(s.type, 'realtime');
      assert.equal(s.metadata, true, 'Altai has municipalities to choose from');
    }
    const ambulance = r.body.find((x: { service_code: string }) => x.service_code === 'altai.c.medicine.ambulance');
    assert.match(ambulance.description, /10 дн/, 'the accelerated term is in the description');

    // Without a jurisdiction: every region's services (codes are unique across regions).
    const all = await get('services.json');
    assert.equal(all.status, 200);
    const regions = new Set(all.body.map((s: { service_code: string }) => s.service_code.split('.')[0]));
    assert.deepEqual([...regions].sort(), ['altai', 'astrakhan', 'khabarovsk']);
    assertGeoReportError(await get('services.json?jurisdiction_id=nowhere'), 404, 'unknown jurisdiction', /nowhere/);
  });

  it('defines a service\'s attributes: the municipality, a single-value list of the region\'s territories', async () => {
    const r = await get('services/altai.c.water.outage.json?jurisdiction_id=altai');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.body).sort(), ['attributes', 'service_code']);
    assert.equal(r.body.service_code, 'altai.c.water.outage');
    assert.equal(r.body.attributes.length, 1);
    const a = r.body.attributes[0];
    assert.deepEqual(Object.keys(a).sort(), [...ATTRIBUTE_FIELDS].sort());
    assert.equal(a.variable, true);
    assert.equal(a.code, 'territory');
    assert.ok(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'].includes(a.datatype));
    assert.equal(a.datatype, 'singlevaluelist');
    assert.equal(a.required, true, 'water outages go to the administration of the place');
    assert.equal(typeof a.datatype_description, 'string');
    assert.equal(a.order, 1);
    assert.equal(typeof a.description, 'string');
    const territories = await db('territories').where({ region_id: 'altai' }).whereNotNull('parent_id').select('id', 'name');
    assert.deepEqual(a.values.map((v: { key: string }) => v.key).sort(), territories.map((t) => t.id).sort());
    const ambulance = await get('services/altai.c.medicine.ambulance.json?jurisdiction_id=altai');
    assert.equal(ambulance.body.attributes[0].required, false, 'the ministry takes ambulance cases from anywhere');
    for (const v of a.values) {
      assert.deepEqual(Object.keys(v).sort(), ['key', 'name']);
      assert.equal(v.name, territories.find((t) => t.id === v.key)!.name);
    }

    assertGeoReportError(await get('services/altai.c.nothing.json'), 404, 'unknown service_code', /altai\.c\.nothing/);
    assertGeoReportError(await get('services/altai.c.water.outage.json?jurisdiction_id=khabarovsk'), 404, 'a service of another jurisdiction');
    assertGeoReportError(await get('services/altai.c.water.outage.xml'), 404, 'the XML format is not served');
    assertGeoReportError(await get('services.xml'), 404, 'the XML format is not served');
    assertGeoReportError(await get('services.json?jurisdiction_id=altai&format=xml'), 400, 'an unknown parameter', /format/);
  });

  it('refuses submissions without a valid key with cases:submit, or with bad fields, in GeoReport format, storing nothing', async () => {
    const before = await intakeCount();
    const { api_key: _key, ...keyless } = report();
    assertGeoReportError(await post(keyless), 401, 'no api_key', /api_key/);
    assertGeoReportError(await post(report({ api_key: 'otk_not-a-real-key' })), 401, 'an invalid api_key');
    assertGeoReportError(await post(report({ api_key: token.citizen })), 403, 'a citizen\'s token', /integration/);
    assertGeoReportError(await post(report({ api_key: token.reader })), 403, 'a key without cases:submit', /cases:submit/);
    assertGeoReportError(await post(keyless, { authorization: `Bearer ${token.reader}` }), 403, 'the header of a key without cases:submit', /cases:submit/);
    assertGeoReportError(await post(report({ api_key: token.khabarovsk })), 403, 'a key of another region', /khabarovsk/);
    assertGeoReportError(await post(report({ service_code: 'altai.c.nothing' })), 400, 'an unknown service_code', /service_code/);
    assertGeoReportError(await post(report({ service_code: 'altai.c.medicine' })), 400, 'a category, not a subcategory', /service_code/);
    assertGeoReportError(await post(report({ jurisdiction_id: 'khabarovsk' })), 400, 'a service of another jurisdiction', /service_code/);
    assertGeoReportError(await post(report({ jurisdiction_id: 'nowhere' })), 404, 'an unknown jurisdiction');
    const { long: _long, ...noLong } = report();
    assertGeoReportError(await post(noLong), 400, 'lat without long', /lat and long/);
    const { lat: _lat, long: _lng, address_string: _a, ...nowhere } = report();
    assertGeoReportError(await post(nowhere), 400, 'no location', /location/);
    assertGeoReportError(await post({ ...nowhere, address_id: 'A-17' }), 400, 'address_id only', /address_id/);
    assertGeoReportError(await post(report({ lat: '123' })), 400, 'lat out of range', /lat/);
    assertGeoReportError(await post(report({ 'attribute[territory]': 'altai.t.nowhere' })), 400, 'a value not in the list', /attribute\[territory\]/);
    assertGeoReportError(await post(report({ 'attribute[colour]': 'red' })), 400, 'an attribute the service does not have', /colour/);
    assertGeoReportError(await post(report({ service_code: 'altai.c.water.outage' })), 422, 'a municipal service without a territory', /territoryId|place/);
    assertGeoReportError(await post(report({ surprise: 'x' })), 400, 'an unknown field', /surprise/);
    const json = await call(api, 'POST', '/open311/v2/requests.json', { body: report() });
    assertGeoReportError(json, 415, 'a JSON body');
    assert.equal(await intakeCount(), before, 'nothing was stored');
  });

  let requestId: string;
  let requestToken: string;

  it('registers a request sent with an api_key as a message and shows it through requests/{id}.json, requests.json and tokens/{token}.json', async () => {
    const fields = report();
    const r = await post(fields);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.length, 1);
    assert.deepEqual(Object.keys(r.body[0]).sort(), ['account_id', 'service_notice', 'service_request_id', 'token']);
    ({ service_request_id: requestId, token: requestToken } = r.body[0]);
    assert.match(requestId, /^311-\d{4}-\d{6}$/);
    assert.match(requestToken, /^[0-9a-f]{32}$/);
    assert.equal(r.body[0].account_id, 'acc-17');
    assert.match(r.body[0].service_notice, /^Срок ответа — 10 дн\., до \d{2}\.\d{2}\.\d{4} включительно$/);

    const row = await db('cases').where({ id: requestId }).first();
    assert.equal(row.kind, 'message');
    assert.equal(row.subcategory_id, 'altai.c.medicine.ambulance');
    assert.equal(row.organisation_id, 'altai.minzdrav');
    assert.equal(row.applicant_name, 'Пётр Заявителев');
    assert.equal(row.applicant_email, applicant.email);
    assert.equal(row.territory_id, 'altai.t.krai', 'no municipality given: the region as a whole');
    assert.deepEqual([row.address, row.latitude, row.longitude, row.media_url], [fields.address_string, 53.3481, 83.7798, fields.media_url], 'the place and the media link in columns of their own');
    assert.equal(row.text, fields.description);
    assert.ok(!JSON.stringify(row).includes('913 555'), 'the phone is not kept');

    const one = await get(`requests/${requestId}.json`);
    assert.equal(one.status, 200, one.text);
    assert.equal(one.body.length, 1);
    const sr = one.body[0];
    assertRequestContract(sr);
    const agency = (await db('organisations').where({ id: 'altai.minzdrav' }).first('name')).name;
    assert.equal(sr.service_request_id, requestId);
    assert.equal(sr.status, 'open');
    assert.equal(sr.status_notes, 'Зарегистрировано');
    assert.equal(sr.service_code, 'altai.c.medicine.ambulance');
    assert.equal(sr.service_name, 'Вызов скорой помощи');
    assert.equal(sr.description, fields.description);
    assert.equal(sr.agency_responsible, agency);
    assert.equal(sr.service_notice, r.body[0].service_notice);
    assert.equal(sr.expected_datetime, new Date(row.answer_due_at).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    assert.equal(Date.parse(sr.requested_datetime), Math.floor(new Date(row.registered_at).getTime() / 1000) * 1000);
    assert.equal(sr.address, fields.address_string);
    assert.equal(sr.lat, 53.3481);
    assert.equal(sr.long, 83.7798);
    assert.equal(sr.media_url, fields.media_url);
    assert.equal(sr.address_id, null);
    assert.equal(sr.zipcode, null);

    const listed = await get(`requests.json?service_request_id=${requestId},311-2000-999999&jurisdiction_id=altai`);
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(listed.body, one.body);
    const tk = await get(`tokens/${requestToken}.json`);
    assert.equal(tk.status, 200, tk.text);
    assert.deepEqual(tk.body, [{ service_request_id: requestId, token: requestToken }]);
    assertGeoReportError(await get(`tokens/${'0'.repeat(32)}.json`), 404, 'an unknown token');
    assertGeoReportError(await get('tokens/not-a-token.json'), 404, 'a token of another shape');
    assertGeoReportError(await get('tokens/not%20a%20token.json'), 400, 'a malformed token');
    assertGeoReportError(await get('requests/311-2000-999999.json'), 404, 'an unknown request');
    assertGeoReportError(await get(`requests/${requestId}.json?jurisdiction_id=khabarovsk`), 404, 'a request of another jurisdiction');
  });

  it('accepts the key in the Authorization header, a municipality attribute, and an Idempotency-Key for retries', async () => {
    const { api_key: _key, ...fields } = report({ service_code: 'altai.c.medicine.doctor_queue', 'attribute[territory]': 'altai.t.pavlovsky' });
    const headers = { authorization: `Bearer ${token.submitter}`, 'idempotency-key': `open311-retry-${process.pid}` };
    const first = await post(fields, headers);
    assert.equal(first.status, 201, first.text);
    const id = first.body[0].service_request_id;
    assert.equal((await db('cases').where({ id }).first('territory_id')).territory_id, 'altai.t.pavlovsky');
    const before = await intakeCount();
    const again = await post(fields, headers);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(again.body, first.body, 'the same request and the same token');
    assert.equal(await intakeCount(), before);
    // Without the header every POST is a new request.
    const other = await post(report());
    assert.equal(other.status, 201);
    assert.notEqual(other.body[0].service_request_id, requestId);
    assert.notEqual(other.body[0].token, requestToken);
  });

  it('takes api_key and jurisdiction_id from the query string or the form, and refuses the two places disagreeing', async () => {
    const postWithQuery = (query: Record<string, string>, fields: Record<string, string>) =>
      call(api, 'POST', `/open311/v2/requests.json?${new URLSearchParams(query)}`, { raw: form(fields), contentType: 'application/x-www-form-urlencoded' });
    const { api_key: key, jurisdiction_id: jurisdiction, ...rest } = report();
    const inQuery = await postWithQuery({ api_key: key, jurisdiction_id: jurisdiction }, rest);
    assert.equal(inQuery.status, 201, inQuery.text);
    assert.equal((await db('cases').where({ id: inQuery.body[0].service_request_id }).first('region_id')).region_id, 'altai');
    const inForm = await post(report());
    assert.equal(inForm.status, 201, inForm.text);
    const mixed = await postWithQuery({ api_key: key }, { ...rest, jurisdiction_id: jurisdiction });
    assert.equal(mixed.status, 201, mixed.text);
    const before = await intakeCount();
    assertGeoReportError(await postWithQuery({ api_key: token.reader }, { ...rest, api_key: key }), 400, 'two different keys', /api_key/);
    assertGeoReportError(await postWithQuery({ jurisdiction_id: 'khabarovsk' }, { ...rest, api_key: key, jurisdiction_id: 'altai' }), 400, 'two different jurisdictions', /jurisdiction_id/);
    assertGeoReportError(await postWithQuery({ api_key: 'otk_not-a-real-key' }, rest), 401, 'an invalid key in the query string');
    assertGeoReportError(await postWithQuery({ api_key: key, jurisdiction_id: 'nowhere' }, rest), 404, 'an unknown jurisdiction in the query string');
    assert.equal(await intakeCount(), before, 'nothing was stored');
  });

  it('follows the case: taken into work and answered stay open with richer status_notes, closed is closed', async () => {
    const notes = async () => (await get(`requests/${requestId}.json`)).body[0];
    const registered = await notes();

    const take = await call(api, 'POST', `/cases/${requestId}/take`, { token: token.minzdrav });
    assert.equal(take.status, 200, take.text);
    const inWork = await notes();
    assertRequestContract(inWork);
    assert.equal(inWork.status, 'open');
    assert.equal(inWork.status_notes, 'В работе');
    assert.ok(Date.parse(inWork.updated_datetime) >= Date.parse(registered.updated_datetime));

    const answer = 'Бригада скорой помощи выехала, проведена служебная проверка.';
    const answered = await call(api, 'POST', `/cases/${requestId}/answer`, { token: token.minzdrav, body: { text: answer } });
    assert.equal(answered.status, 200, answered.text);
    const a = await notes();
    assertRequestContract(a);
    assert.equal(a.status, 'open');
    assert.equal(a.status_notes, `Дан ответ: ${answer}`);

    const closed = await call(api, 'POST', `/cases/${requestId}/overrides/close`, { token: token.supervisor, body: { reason: 'Проверено куратором' } });
    assert.equal(closed.status, 200, closed.text);
    const c = await notes();
    assertRequestContract(c);
    assert.equal(c.status, 'closed');
    assert.equal(c.status_notes, 'Закрыто куратором');
  });

  it('filters requests.json by service_code, status and dates (by default the last 90 days), within the jurisdiction', async () => {
    // A message registered 100 days ago (read model only): outside the default window.
    const oldId = '311-2026-900001';
    await db('cases').insert({
      id: oldId, kind: 'message', region_id: 'altai', subcategory_id: 'altai.c.water.outage', category_id: 'altai.c.water',
      applicant_name: 'Старый Заявитель', text: 'Нет воды', address: 'с. Павловск', organisation_id: 'altai.government', status: 'registered',
      registered_at: new Date(Date.now() - 100 * DAY), updated_at: new Date(Date.now() - 100 * DAY), last_seq: 1, state: JSON.stringify({}),
    });
    const ids = (r: CallResult) => r.body.map((x: { service_request_id: string }) => x.service_request_id);

    const all = await get('requests.json?jurisdiction_id=altai');
    assert.equal(all.status, 200, all.text);
    all.body.forEach(assertRequestContract);
    assert.ok(ids(all).includes(requestId));
    assert.ok(!ids(all).includes(oldId), 'older than 90 days: not in the default window');
    const sorted = [...all.body].sort((x, y) => Date.parse(y.requested_datetime) - Date.parse(x.requested_datetime));
    assert.deepEqual(ids(all), sorted.map((x) => x.service_request_id), 'newest first');

    const iso = (ms: number) => new Date(ms).toISOString();
    const old = await get(`requests.json?start_date=${iso(Date.now() - 110 * DAY)}&end_date=${iso(Date.now() - 80 * DAY)}`);
    assert.equal(old.status, 200, old.text);
    assert.deepEqual(ids(old), [oldId]);
    assert.deepEqual(ids(await get(`requests.json?start_date=${iso(Date.now() + DAY)}`)), [], 'nothing after tomorrow');
    assert.ok(!ids(await get(`requests.json?end_date=${iso(Date.now() - DAY)}`)).includes(requestId), 'before yesterday');
    assert.ok(ids(await get(`requests.json?start_date=${iso(Date.now() - DAY)}&end_date=${iso(Date.now() + DAY)}`)).includes(requestId));
    assert.ok(ids(await get(`requests.json?start_date=${encodeURIComponent('2026-01-01T10:00:00+07:00')}&end_date=${encodeURIComponent('2026-03-01T00:00:00+07:00')}`)).every((id: string) => id !== requestId));
    assertGeoReportError(await get(`requests.json?start_date=${iso(Date.now() - 120 * DAY)}&end_date=${iso(Date.now())}`), 400, 'a range over 90 days', /90 days/);
    assertGeoReportError(await get(`requests.json?start_date=${iso(Date.now())}&end_date=${iso(Date.now() - DAY)}`), 400, 'start after end');
    assertGeoReportError(await get('requests.json?start_date=yesterday'), 400, 'not a w3 datetime', /start_date/);

    const byCode = await get('requests.json?service_code=altai.c.medicine.ambulance');
    assert.ok(ids(byCode).includes(requestId));
    assert.ok(byCode.body.every((x: { service_code: string }) => x.service_code === 'altai.c.medicine.ambulance'));
    const twoCodes = await get('requests.json?service_code=altai.c.medicine.doctor_queue,altai.c.medicine.ambulance');
    assert.deepEqual(new Set(twoCodes.body.map((x: { service_code: string }) => x.service_code)), new Set(['altai.c.medicine.doctor_queue', 'altai.c.medicine.ambulance']));
    assert.ok(!ids(await get('requests.json?service_code=altai.c.water.outage')).includes(requestId));

    const open = await get('requests.json?status=open');
    assert.ok(!ids(open).includes(requestId), 'the closed request is not open');
    assert.ok(open.body.length > 0 && open.body.every((x: { status: string }) => x.status === 'open'));
    const closed = await get('requests.json?status=closed');
    assert.deepEqual(ids(closed), [requestId]);
    assert.equal((await get('requests.json?status=open,closed')).body.length, all.body.length);
    assertGeoReportError(await get('requests.json?status=pending'), 400, 'an unknown status', /status/);

    assert.deepEqual(ids(await get('requests.json?jurisdiction_id=khabarovsk')), [], 'another jurisdiction has none of these');
    assertGeoReportError(await get('requests.json?jurisdiction_id=nowhere'), 404, 'an unknown jurisdiction');
  });

  it('shows nothing of the applicant, and neither the text nor the place of a 59-FZ appeal', async () => {
    const appealId = '311-2026-900002';
    await db('cases').insert({
      id: appealId, kind: 'appeal', region_id: 'altai', subcategory_id: 'altai.c.medicine.ambulance', category_id: 'altai.c.medicine',
      applicant_name: 'Мария Тайнова', applicant_email: 'maria.tainova@example.org', applicant_address: 'г. Бийск, ул. Скрытая, 3',
      text: 'Личная жалоба о диагнозе', address: 'г. Бийск, ул. Скрытая, 3', organisation_id: 'altai.minzdrav', status: 'answered',
      answer_text: 'Личный ответ о диагнозе', registered_at: new Date(), last_seq: 1, state: JSON.stringify({}),
    });
    const one = await get(`requests/${appealId}.json`);
    assert.equal(one.status, 200, one.text);
    assertRequestContract(one.body[0]);
    assert.equal(one.body[0].description, null);
    assert.equal(one.body[0].address, null);
    assert.equal(one.body[0].status_notes, 'Дан ответ');

    const texts = [
      (await get('requests.json')).text, (await get('requests.json?status=open,closed&jurisdiction_id=altai')).text,
      one.text, (await get(`requests/${requestId}.json`)).text, (await get(`tokens/${requestToken}.json`)).text,
    ];
    for (const text of texts) {
      for (const secret of ['Мария', 'Тайнова', 'maria.tainova', 'Скрытая', 'диагноз', applicant.first_name, applicant.last_name, 'zayavitelev', '555-01-23', 'acc-17', 'dev-1']) {
        assert.ok(!text.includes(secret), `${secret} leaked into an anonymous read`);
      }
    }
  });
});
