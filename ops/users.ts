// Users and API tokens, from the command line:
//   npm run users -- create --role operator --organisation altai.minzdrav --name "Ivanova A. P." [--email …] [--label …]
//   npm run users -- create --role supervisor --region altai --name "CUR Altai"
//   npm run users -- create --role administrator --name "Admin"
//   npm run users -- create --role citizen --name "Petrov P." --email p@example.org
//   npm run users -- token --user 12 [--label "SED integration"]     (another token for a user)
//   npm run users -- list [--role operator]
//   npm run users -- revoke --token-id 7
//   npm run users -- create --role integration --organisation altai.minzdrav --name "SED" --scopes cases:read,cases:write
//                                                         (prints client_id, a client secret and an API key)
//   npm run users -- secret --user 12 [--label …] [--expires 2027-01-01T00:00:00Z]   (another client secret)
//   npm run users -- revoke-secret --secret-id 3           (and the access tokens obtained with it)
//   npm run users -- scopes --user 12 --scopes cases:read,feed:read
//   npm run users -- link --user 5 --issuer https://id.example.org/realms/altai --subject <sub>
//                                                         (a person's identity at an OIDC provider → this user)
// Uses DATABASE_URL. A token is printed once, when it is issued; only its hash is stored.
import { parseArgs } from 'node:util';
import { createUserWithToken, ROLES, UserInputError, type Role } from '../domain/identity/users';
import { issueToken, revokeToken } from '../domain/identity/tokens';
import { createIntegrationClient, issueClientSecret, revokeClientSecret, setClientScopes } from '../domain/identity/credentials';
import { connect, type Db } from '../db/connection';

const USAGE = `Usage:
  npm run users -- create --role <${ROLES.join('|')}> --name <name> [--email <email>]
                          [--organisation <id>  (operators, integration clients)] [--region <id>  (supervisors, analysts)]
                          [--scopes <a,b>  (integration clients)] [--label <token label>]
  npm run users -- token --user <user id> [--label <token label>]
  npm run users -- list [--role <role>]
  npm run users -- revoke --token-id <token id>
  npm run users -- secret --user <integration client's user id> [--label <label>] [--expires <ISO date-time>]
  npm run users -- revoke-secret --secret-id <secret id>
  npm run users -- scopes --user <integration client's user id> --scopes <a,b>
  npm run users -- link --user <user id> --issuer <OIDC issuer URL> --subject <sub>`;

export class UsageError extends Error {}

function positiveInt(value: string | undefined, flag: string): number {
  if (value === undefined) throw new UsageError(`${flag} is required`);
  if (!/^[1-9][0-9]{0,9}$/.test(value)) throw new UsageError(`${flag} must be a positive integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** The user id of an integration client given by --user. */
async function integrationClient(db: Db, value: string | undefined): Promise<number> {
  const userId = positiveInt(value, '--user');
  const row = await db('integration_clients').where({ user_id: userId }).first('user_id');
  if (!row) throw new UsageError(`User ${userId} is not an integration client`);
  return userId;
}

type Values = Record<string, string | undefined>;

/** A command of `npm run users`: the flags it takes and what it does; returns what to print. */
interface UsersCommand {
  flags: string[];
  run(db: Db, values: Values): Promise<string>;
}

async function createCommand(db: Db, values: Values): Promise<string> {
  if (!values.role) throw new UsageError('--role is required');
  if (!(ROLES as readonly string[]).includes(values.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}, got ${JSON.stringify(values.role)}`);
  if (!values.name) throw new UsageError('--name is required');
  if (values.role === 'integration') {
    if (values.region) throw new UserInputError('region', 'An integration client belongs to an organisation, not a region: drop --region');
    const made = await createIntegrationClient(db, {
      name: values.name, organisationId: values.organisation ?? '', email: values.email ?? null, label: values.label ?? null,
      scopes: (values.scopes ?? '').split(',').map((x) => x.trim()).filter(Boolean),
    });
    return [
      `Created user ${made.client.userId}: integration client of ${made.client.organisationId} (and below), ${made.client.name}; scopes ${made.client.scopes.join(', ')}`,
      `OAuth 2.0 client credentials (POST /oauth/token, grant_type=client_credentials):`,
      `  client_id: ${made.client.clientId}`,
      `  client_secret: ${made.clientSecret}`,
      `Secret ${made.secretId} and API key ${made.apiKeyId} are shown only now; store them safely. API key ${made.apiKeyId} (Authorization: Bearer):`,
      made.apiKey,
    ].join('\n');
  }
  if (values.scopes !== undefined) throw new UserInputError('scopes', 'Only integration clients have scopes: drop --scopes');
  const { user, token, tokenId } = await createUserWithToken(db, {
    role: values.role as Role,
    name: values.name,
    email: values.email ?? null,
    organisationId: values.organisation ?? null,
    regionId: values.region ?? null,
    label: values.label ?? null,
  });
  const scope = user.organisationId ? ` of ${user.organisationId}` : user.regionId ? ` of ${user.regionId}` : '';
  return [
    `Created user ${user.id}: ${user.role}${scope}, ${user.name}`,
    `Token ${tokenId} (shown only now; store it safely):`,
    token,
  ].join('\n');
}

async function tokenCommand(db: Db, values: Values): Promise<string> {
  const userId = positiveInt(values.user, '--user');
  const user = await db('users').where({ id: userId }).first('id', 'role', 'name');
  if (!user) throw new UsageError(`There is no user ${userId}`);
  const { token, tokenId } = await issueToken(db, userId, values.label ?? null);
  return [`Token ${tokenId} for user ${userId} (${user.role}, ${user.name}), shown only now:`, token].join('\n');
}

async function listCommand(db: Db, values: Values): Promise<string> {
  if (values.role && !(ROLES as readonly string[]).includes(values.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  const qb = db('users as u')
    .leftJoin('api_tokens as t', 't.user_id', 'u.id')
    .select('u.id', 'u.role', 'u.name', 'u.email', 'u.organisation_id', 'u.region_id', 't.id as token_id', 't.label', 't.created_at', 't.revoked_at')
    .orderBy([{ column: 'u.id' }, { column: 't.id' }]);
  if (values.role) qb.where('u.role', values.role);
  const rows = await qb;
  if (rows.length === 0) return 'No users.';
  const lines = ['user  role           scope                     name / token'];
  let last: number | undefined;
  for (const r of rows) {
    if (r.id !== last) {
      const scope = r.organisation_id ?? r.region_id ?? '';
      lines.push(`${String(r.id).padEnd(5)} ${r.role.padEnd(14)} ${String(scope).padEnd(25)} ${r.name}${r.email ? ` <${r.email}>` : ''}`);
      last = r.id;
    }
    if (r.token_id) {
      const state = r.revoked_at ? `revoked ${new Date(r.revoked_at).toISOString()}` : 'active';
      lines.push(`${''.padEnd(47)} token ${r.token_id} ${r.label ? `"${r.label}" ` : ''}created ${new Date(r.created_at).toISOString()}, ${state}`);
    }
  }
  return lines.join('\n');
}

async function revokeCommand(db: Db, values: Values): Promise<string> {
  const tokenId = positiveInt(values['token-id'], '--token-id');
  const ok = await revokeToken(db, tokenId);
  if (!ok) {
    const t = await db('api_tokens').where({ id: tokenId }).first('revoked_at');
    throw new UsageError(t ? `Token ${tokenId} was revoked already` : `There is no token ${tokenId}`);
  }
  return `Revoked token ${tokenId}`;
}

async function secretCommand(db: Db, values: Values): Promise<string> {
  const userId = await integrationClient(db, values.user);
  const { secret, secretId } = await issueClientSecret(db, userId, { label: values.label ?? null, expiresAt: values.expires ?? null });
  return [`Secret ${secretId} for integration client ${userId}; the earlier ones keep working until revoked. Shown only now:`, secret].join('\n');
}

async function revokeSecretCommand(db: Db, values: Values): Promise<string> {
  const secretId = positiveInt(values['secret-id'], '--secret-id');
  const row = await db('client_secrets').where({ id: secretId }).first('user_id');
  if (!row) throw new UsageError(`There is no client secret ${secretId}`);
  const outcome = await revokeClientSecret(db, row.user_id, secretId);
  if (outcome === 'already_revoked') throw new UsageError(`Client secret ${secretId} was revoked already`);
  return `Revoked client secret ${secretId} and the access tokens obtained with it`;
}

async function scopesCommand(db: Db, values: Values): Promise<string> {
  const userId = await integrationClient(db, values.user);
  await setClientScopes(db, userId, (values.scopes ?? '').split(',').map((x) => x.trim()).filter(Boolean));
  return `Integration client ${userId} now has scopes ${values.scopes}`;
}

async function linkCommand(db: Db, values: Values): Promise<string> {
  const userId = positiveInt(values.user, '--user');
  if (!values.issuer || !values.subject) throw new UsageError('--issuer and --subject are required');
  const user = await db('users').where({ id: userId }).first('role', 'name');
  if (!user) throw new UsageError(`There is no user ${userId}`);
  if (user.role === 'integration') throw new UsageError('Integration clients do not sign in through OpenID Connect');
  const taken = await db('user_identities').where({ issuer: values.issuer, subject: values.subject }).first('user_id');
  if (taken) throw new UsageError(`${values.subject} at ${values.issuer} is already linked to user ${taken.user_id}`);
  await db('user_identities').insert({ issuer: values.issuer, subject: values.subject, user_id: userId });
  return `Linked ${values.subject} at ${values.issuer} to user ${userId} (${user.role}, ${user.name}): signing in there now signs in as this user`;
}

const COMMANDS: Record<string, UsersCommand> = {
  create: { flags: ['role', 'name', 'email', 'organisation', 'region', 'label', 'scopes'], run: createCommand },
  token: { flags: ['user', 'label'], run: tokenCommand },
  list: { flags: ['role'], run: listCommand },
  revoke: { flags: ['token-id'], run: revokeCommand },
  secret: { flags: ['user', 'label', 'expires'], run: secretCommand },
  'revoke-secret': { flags: ['secret-id'], run: revokeSecretCommand },
  scopes: { flags: ['user', 'scopes'], run: scopesCommand },
  link: { flags: ['user', 'issuer', 'subject'], run: linkCommand },
};

const OPTIONS = {
  role: { type: 'string' },
  name: { type: 'string' },
  email: { type: 'string' },
  organisation: { type: 'string' },
  region: { type: 'string' },
  label: { type: 'string' },
  user: { type: 'string' },
  'token-id': { type: 'string' },
  scopes: { type: 'string' },
  expires: { type: 'string' },
  'secret-id': { type: 'string' },
  issuer: { type: 'string' },
  subject: { type: 'string' },
} as const;

/** Runs one command; returns what to print. Throws UsageError / UserInputError for bad arguments. */
export async function runUsersCommand(db: Db, argv: string[]): Promise<string> {
  const [command, ...rest] = argv;
  let values: Values;
  try {
    ({ values } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false }) as { values: Values });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (command === undefined || command === 'help' || command === '--help') return USAGE;
  const known = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!known) throw new UsageError(`Unknown command ${JSON.stringify(command)}`);
  const extra = Object.keys(values).filter((k) => !known.flags.includes(k));
  if (extra.length > 0) throw new UsageError(`${command} does not take ${extra.map((x) => `--${x}`).join(', ')}`);
  return known.run(db, values);
}

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set: the users command needs the platform database (postgres://…)');
    return 2;
  }
  const db = connect(url, { max: 2 });
  try {
    console.log(await runUsersCommand(db, process.argv.slice(2)));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`Error: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof UserInputError) {
      console.error(`Error: ${e.message}`);
      return 2;
    }
    throw e;
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
