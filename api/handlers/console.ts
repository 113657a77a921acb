// The organisation console (web/src/console, built with the web app): its page, its settings, and the
// few operations it needs that the case API does not have: answer templates of an organisation, saved
// views of the queue, and the staff administrators add. See the `/console` path in openapi/openapi.yaml.
import { checkNewUser, UserInputError, type AuthUser } from '../../domain/identity/users';
import { problems } from '../../domain/problem';
import type { Handlers } from '../routes';
import { webManifest } from '../web/build';
import { htmlReply, webAppPage, webAppPolicy } from '../web/page';
import type { Db } from '../../db/connection';
import { createStaffMember, listStaff, LoginTakenError } from '../../domain/console/staff';
import * as templates from '../../domain/console/templates';
import * as views from '../../domain/console/views';

/** The Temporal Web UI of `npm start`'s dev server. */
const DEFAULT_TEMPORAL_UI = 'http://localhost:8233';

/**
 * An active organisation the caller may read templates of: an operator those of their region's
 * organisations (wording is shared across a region's bodies), an administrator any (404 otherwise, as if absent).
 */
async function templateOrganisation(db: Db, user: AuthUser, organisationId: string): Promise<string> {
  const org = await db('organisations').where({ id: organisationId, active: true }).first('id', 'region_id');
  const own = user.role === 'operator' ? await db('organisations').where({ id: user.organisationId }).first('region_id') : undefined;
  if (!org || (own && own.region_id !== org.region_id)) throw problems.notFound(`There is no active organisation ${organisationId}.`);
  return org.id;
}

export const consoleHandlers = {
  async getConsole() {
    const manifest = webManifest();
    return htmlReply(webAppPage({ ...manifest, script: manifest.consoleScript, style: manifest.consoleStyle }, { mode: 'page' }), webAppPolicy());
  },

  async getConsoleSettings(ctx) {
    const url = (process.env.OTKLIK_TEMPORAL_UI_URL || DEFAULT_TEMPORAL_UI).replace(/\/+$/, '');
    return { status: 200, body: { temporalUiUrl: url, temporalNamespace: ctx.deps.namespace ?? 'default' } };
  },

  async listAnswerTemplates(ctx) {
    const org = await templateOrganisation(ctx.deps.db, ctx.user, ctx.input.params.organisationId);
    return { status: 200, body: { items: await templates.listAnswerTemplates(ctx.deps.db, org) } };
  },

  async createAnswerTemplate(ctx) {
    const org = await templateOrganisation(ctx.deps.db, ctx.user, ctx.input.params.organisationId);
    return { status: 201, body: await templates.createAnswerTemplate(ctx.deps.db, org, ctx.input.body, ctx.user.id) };
  },

  async replaceAnswerTemplate(ctx) {
    const org = await templateOrganisation(ctx.deps.db, ctx.user, ctx.input.params.organisationId);
    const row = await templates.replaceAnswerTemplate(ctx.deps.db, org, ctx.input.params.templateId, ctx.input.body, ctx.user.id);
    if (!row) throw problems.notFound(`Organisation ${org} has no answer template ${ctx.input.params.templateId}.`);
    return { status: 200, body: row };
  },

  async deleteAnswerTemplate(ctx) {
    const org = await templateOrganisation(ctx.deps.db, ctx.user, ctx.input.params.organisationId);
    if (!(await templates.deleteAnswerTemplate(ctx.deps.db, org, ctx.input.params.templateId))) {
      throw problems.notFound(`Organisation ${org} has no answer template ${ctx.input.params.templateId}.`);
    }
    return { status: 204 };
  },

  async listSavedViews(ctx) {
    return { status: 200, body: { items: await views.listSavedViews(ctx.deps.db, ctx.user.id) } };
  },

  async saveView(ctx) {
    return { status: 200, body: await views.saveView(ctx.deps.db, ctx.user.id, ctx.input.body.name, ctx.input.body.filters) };
  },

  async deleteSavedView(ctx) {
    if (!(await views.deleteSavedView(ctx.deps.db, ctx.user.id, ctx.input.params.viewId))) throw problems.notFound(`You have no saved view ${ctx.input.params.viewId}.`);
    return { status: 204 };
  },

  async listStaff(ctx) {
    return { status: 200, body: { items: await listStaff(ctx.deps.db, ctx.input.query) } };
  },

  async createStaffMember(ctx) {
    const { login, ...member } = ctx.input.body;
    const issuer = ctx.deps.oidc?.settings.issuer;
    if (login && !issuer) throw problems.field('body', '/login', 'no OpenID Connect provider is configured: leave the login out');
    try {
      await checkNewUser(ctx.deps.db, member);
      const row = await createStaffMember(ctx.deps.db, { ...member, login: login ? { issuer: issuer!, subject: login } : undefined });
      return { status: 201, body: row };
    } catch (e) {
      if (e instanceof UserInputError) throw problems.field('body', e.field === 'region' || e.field === 'organisation' ? `/${e.field}Id` : `/${e.field}`, e.message);
      if (e instanceof LoginTakenError) throw problems.conflict(e.message);
      throw e;
    }
  },
} satisfies Partial<Handlers>;
