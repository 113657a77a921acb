// The embeddable form: its script for organisations' sites, its frame (whose frame-ancestors follow the
// organisation's list of sites), the public check the script makes first, the form's settings, and the
// administrators' list of sites. See the `web` tag in openapi/openapi.yaml.
import fs from 'node:fs';
import path from 'node:path';
import { ATTACHMENT_TYPES } from '../../domain/attachments/attachments';
import { problems } from '../../domain/problem';
import { getClassifier } from '../../domain/reference/classifier';
import { getRegion, listTerritories } from '../../domain/reference/regions';
import type { Handlers } from '../routes';
import type { Db } from '../../db/connection';
import { embedAllowed, frameAncestors, normaliseEmbedOrigin } from '../../domain/embed/origins';
import * as store from '../../domain/embed/store';
import { WEB_DIST, webManifest } from '../web/build';
import { htmlReply, webAppPage, webAppPolicy } from '../web/page';
import { mapFromEnv } from '../web/settings';

/** As many files as an appeal may list (AttachmentIds' maxItems). */
const MAX_FILES = 20;

async function organisationOf(db: Db, organisationId: string) {
  const org = await store.formOrganisation(db, organisationId);
  if (!org) throw problems.notFound(`There is no active organisation ${organisationId}.`);
  return org;
}

export const embedHandlers = {
  async getEmbedScript() {
    const text = await fs.promises.readFile(path.join(WEB_DIST, webManifest().embed), 'utf8');
    return {
      status: 200, text,
      headers: {
        'Content-Type': 'text/javascript; charset=utf-8', 'Cross-Origin-Resource-Policy': 'cross-origin',
        'Cache-Control': 'public, max-age=300',
      },
    };
  },

  async getEmbedFrame(ctx) {
    const org = await organisationOf(ctx.deps.db, ctx.input.params.organisationId);
    const allowed = (await store.listEmbedOrigins(ctx.deps.db, org.id)).map((o) => o.origin);
    // frame-ancestors decides; X-Frame-Options (helmet's DENY) would contradict it in older browsers.
    ctx.res.removeHeader('X-Frame-Options');
    return htmlReply(webAppPage(webManifest(), { mode: 'embed', organisationId: org.id }), webAppPolicy(frameAncestors(allowed)));
  },

  async checkEmbedOrigin(ctx) {
    const org = await organisationOf(ctx.deps.db, ctx.input.params.organisationId);
    const allowed = (await store.listEmbedOrigins(ctx.deps.db, org.id)).map((o) => o.origin);
    return {
      status: 200,
      body: { allowed: embedAllowed(allowed, ctx.input.query.origin), organisationName: org.name },
      // Asked by the script on the organisation's site: a public answer, readable from any origin.
      headers: { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' },
    };
  },

  async getEmbedForm(ctx) {
    const db = ctx.deps.db;
    const org = await organisationOf(db, ctx.input.params.organisationId);
    const map = mapFromEnv();
    return {
      status: 200,
      body: {
        organisation: org,
        region: await getRegion(db, org.regionId),
        classifier: await getClassifier(db, org.regionId),
        territories: (await listTerritories(db, org.regionId)).filter((t) => t.parentId !== null),
        organisationCategoryIds: await store.organisationCategoryIds(db, org.id),
        attachments: { maxBytes: ctx.deps.attachments!.maxBytes, maxFiles: MAX_FILES, contentTypes: Object.keys(ATTACHMENT_TYPES) },
        map: map ? { tilesUrl: map.tilesUrl, attribution: map.attribution } : null,
      },
    };
  },

  async listEmbedOrigins(ctx) {
    const org = await organisationOf(ctx.deps.db, ctx.input.params.organisationId);
    return { status: 200, body: { items: await store.listEmbedOrigins(ctx.deps.db, org.id) } };
  },

  async addEmbedOrigin(ctx) {
    const org = await organisationOf(ctx.deps.db, ctx.input.params.organisationId);
    const origin = normaliseEmbedOrigin(ctx.input.body.origin);
    if (!origin) throw problems.field('body', '/origin', 'expected https://host[:port] without a path (http:// only for localhost)');
    const { row, created } = await store.addEmbedOrigin(ctx.deps.db, org.id, origin, ctx.user.id);
    return { status: created ? 201 : 200, body: row };
  },

  async removeEmbedOrigin(ctx) {
    const org = await organisationOf(ctx.deps.db, ctx.input.params.organisationId);
    if (!(await store.removeEmbedOrigin(ctx.deps.db, org.id, ctx.input.params.originId))) {
      throw problems.notFound(`Organisation ${org.id} has no allowed site ${ctx.input.params.originId}.`);
    }
    return { status: 204 };
  },
} satisfies Partial<Handlers>;
