// The registry of official pages (table official_pages): each organisation's pages on social networks,
// the state-organisation mark («госпаблик») and whether the platform's widget is placed there.
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';
import type { AuthUser } from '../identity/users';
import { problems } from '../problem';
import { mayAccessPages, type PagesAccess, type PagesOwner } from './access';
import type { Network } from './connectors/types';

/** A page as the API shows it (the spec's OfficialPage). */
export type OfficialPage = components['schemas']['OfficialPage'];

export type OfficialPageInput = components['schemas']['OfficialPageCreate'];

/** The hosts a page of each network lives on. */
const NETWORK_HOSTS: Record<Network, string[]> = {
  vk: ['vk.com', 'vk.ru', 'm.vk.com'],
  telegram: ['t.me', 'telegram.me'],
  ok: ['ok.ru', 'm.ok.ru'],
};

/** Why a URL is not a page of the network (null when it is): https, on the network's own host, with a path. */
export function pageUrlProblem(network: Network, url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'expected a URL';
  }
  const hosts = NETWORK_HOSTS[network];
  if (u.protocol !== 'https:' || !hosts.includes(u.hostname.toLowerCase())) return `expected https://${hosts[0]}/… for ${network}`;
  if (u.pathname.length < 2) return 'expected the address of the page itself, not of the network';
  return null;
}

const pageOf = (r: Record<string, any>): OfficialPage => ({
  id: r.id, organisationId: r.organisation_id, network: r.network, url: r.url, externalId: r.external_id, name: r.name,
  stateMark: r.state_mark, widgetPlaced: r.widget_placed, active: r.active,
  createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
});

/** The region of an operator's own organisation (what an operator may read of other organisations' pages). */
export function operatorRegion(db: Db, user: AuthUser): () => Promise<string | null> {
  return async () => (user.organisationId ? (await db('organisations').where({ id: user.organisationId }).first('region_id'))?.region_id ?? null : null);
}

/** The organisation, when the user may read or manage its pages: 404 when there is none, 403 when it is not theirs. */
export async function pagesOrganisation(db: Db, user: AuthUser, organisationId: string, access: PagesAccess): Promise<PagesOwner & { name: string }> {
  const org = await db('organisations').where({ id: organisationId }).first('id', 'region_id', 'name');
  if (!org) throw problems.notFound(`There is no organisation ${organisationId}.`);
  const owner = { organisationId: org.id as string, regionId: org.region_id as string, name: org.name as string };
  if (!(await mayAccessPages(user, owner, access, operatorRegion(db, user)))) {
    throw problems.forbidden(access === 'read'
      ? 'Official pages are seen by the operators of the region\'s organisations, its supervisors and administrators.'
      : 'Official pages are managed by the organisation\'s operators, the supervisors of its region and administrators.');
  }
  return owner;
}

export async function listPages(db: Db, organisationId: string): Promise<OfficialPage[]> {
  return (await db('official_pages').where({ organisation_id: organisationId }).orderBy('id')).map(pageOf);
}

export async function getPage(db: Db, organisationId: string, pageId: number): Promise<OfficialPage> {
  const row = await db('official_pages').where({ organisation_id: organisationId, id: pageId }).first();
  if (!row) throw problems.notFound(`Organisation ${organisationId} has no official page ${pageId}.`);
  return pageOf(row);
}

function checkUrl(network: Network, url: string): void {
  const problem = pageUrlProblem(network, url);
  if (problem) throw problems.field('body', '/url', problem);
}

/** Adds a page; a URL registered already (by any organisation) is 409. */
export async function addPage(db: Db, organisationId: string, input: OfficialPageInput, userId: number): Promise<OfficialPage> {
  checkUrl(input.network, input.url);
  const [row] = await db('official_pages').insert({
    organisation_id: organisationId, network: input.network, url: input.url, external_id: input.externalId, name: input.name,
    state_mark: input.stateMark ?? false, widget_placed: input.widgetPlaced ?? false, active: input.active ?? true, created_by: userId,
  }).onConflict(['network', 'url']).ignore().returning('*');
  if (!row) throw problems.conflict(`The page ${input.url} is registered already.`);
  return pageOf(row);
}

/** Changes the fields given; the network stays (a page on another network is another page). */
export async function updatePage(db: Db, organisationId: string, pageId: number, patch: components['schemas']['OfficialPagePatch']): Promise<OfficialPage> {
  const page = await getPage(db, organisationId, pageId);
  if (patch.url !== undefined) checkUrl(page.network, patch.url);
  const columns: Record<string, unknown> = {
    url: patch.url, external_id: patch.externalId, name: patch.name, state_mark: patch.stateMark, widget_placed: patch.widgetPlaced, active: patch.active,
  };
  const changes = Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));
  if (Object.keys(changes).length === 0) return page;
  try {
    const [row] = await db('official_pages').where({ id: pageId }).update({ ...changes, updated_at: db.fn.now() }).returning('*');
    return pageOf(row);
  } catch (e) {
    if ((e as { code?: string }).code === '23505') throw problems.conflict(`The page ${patch.url} is registered already.`);
    throw e;
  }
}
