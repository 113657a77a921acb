// oidc-provider's adapter over PostgreSQL (table oidc_provider_store): the embedded provider's sessions,
// interactions, codes and grants survive a restart of `npm start`, and are shared by every process that
// runs the provider. The interface is oidc-provider's (one instance per model name).
import type { Db } from '../db/connection';

type Payload = Record<string, unknown> & { grantId?: string; userCode?: string; uid?: string };

export function postgresOidcAdapter(db: Db) {
  return class PostgresOidcAdapter {
    constructor(readonly model: string) {}

    private live() {
      return db('oidc_provider_store').where({ model: this.model }).where((w) => w.whereNull('expires_at').orWhere('expires_at', '>', db.fn.now()));
    }

    private static toPayload(row: { payload: Payload; consumed_at: Date | null } | undefined): Payload | undefined {
      if (!row) return undefined;
      return row.consumed_at ? { ...row.payload, consumed: Math.floor(new Date(row.consumed_at).getTime() / 1000) } : row.payload;
    }

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      await db('oidc_provider_store')
        .insert({
          model: this.model, id, payload: JSON.stringify(payload),
          grant_id: payload.grantId ?? null, user_code: payload.userCode ?? null, uid: payload.uid ?? null,
          expires_at: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
        })
        .onConflict(['model', 'id'])
        .merge();
      // Expired rows are of no use to anyone: swept as new ones come.
      await db('oidc_provider_store').where('expires_at', '<', db.fn.now()).delete();
    }

    async find(id: string): Promise<Payload | undefined> {
      return PostgresOidcAdapter.toPayload(await this.live().where({ id }).first('payload', 'consumed_at'));
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      return PostgresOidcAdapter.toPayload(await this.live().where({ uid }).first('payload', 'consumed_at'));
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      return PostgresOidcAdapter.toPayload(await this.live().where({ user_code: userCode }).first('payload', 'consumed_at'));
    }

    async consume(id: string): Promise<void> {
      await db('oidc_provider_store').where({ model: this.model, id }).update({ consumed_at: db.fn.now() });
    }

    async destroy(id: string): Promise<void> {
      await db('oidc_provider_store').where({ model: this.model, id }).delete();
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db('oidc_provider_store').where({ grant_id: grantId }).delete();
    }
  };
}
