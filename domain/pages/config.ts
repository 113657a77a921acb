// Official pages' settings from the environment: each network's API address and token (a network without
// a token has no connector, and a publication to it fails with a clear error), and how a publication is
// tried: the timeout of one call and the retry schedule, fixed in the workflow's input when it starts.
import { envDuration, envInteger, type Env } from '../config/env';
import { outboxChannels } from '../outbound/registry';
import { okConnector } from './connectors/ok';
import { telegramConnector } from './connectors/telegram';
import type { ConnectorSettings, Network, PageConnector } from './connectors/types';
import { vkConnector } from './connectors/vk';

export interface PublicationDelivery {
  /** One call of a network's API. */
  timeoutMs: number;
  retry: { initialIntervalMs: number; maximumIntervalMs: number; maximumAttempts: number };
}

export interface PagesConfig {
  networks: Partial<Record<Network, ConnectorSettings>>;
  delivery: PublicationDelivery;
}

const DEFAULT_API_URL: Record<Network, string> = {
  vk: 'https://api.vk.com/method',
  telegram: 'https://api.telegram.org',
  ok: 'https://api.ok.ru/fb.do',
};

const CONNECTORS: Record<Network, (s: ConnectorSettings, timeoutMs: number) => PageConnector> = {
  vk: vkConnector, telegram: telegramConnector, ok: okConnector,
};

/** OTKLIK_<NETWORK>_API_URL and _TOKEN (OK also _APP_KEY, _APP_SECRET); OTKLIK_PAGES_TIMEOUT, _RETRY_INITIAL, _RETRY_MAX, _RETRY_ATTEMPTS. */
export function pagesConfigFromEnv(env: Env): { config: PagesConfig; problems: string[] } {
  const problems: string[] = [];
  const networks: PagesConfig['networks'] = {};
  for (const network of Object.keys(DEFAULT_API_URL) as Network[]) {
    const prefix = `OTKLIK_${network.toUpperCase()}`;
    const token = env[`${prefix}_TOKEN`];
    if (!token) continue;
    const baseUrl = env[`${prefix}_API_URL`] || DEFAULT_API_URL[network];
    if (!/^https?:\/\/\S+$/.test(baseUrl)) problems.push(`${prefix}_API_URL: expected an http(s):// URL`);
    networks[network] = { baseUrl, token, appKey: env[`${prefix}_APP_KEY`], appSecret: env[`${prefix}_APP_SECRET`] };
  }
  const delivery: PublicationDelivery = {
    timeoutMs: envDuration(env, 'OTKLIK_PAGES_TIMEOUT', 15_000, problems),
    retry: {
      initialIntervalMs: envDuration(env, 'OTKLIK_PAGES_RETRY_INITIAL', 10_000, problems),
      maximumIntervalMs: envDuration(env, 'OTKLIK_PAGES_RETRY_MAX', 600_000, problems),
      maximumAttempts: envInteger(env, 'OTKLIK_PAGES_RETRY_ATTEMPTS', 20, { min: 1, max: 1000 }, problems),
    },
  };
  return { config: { networks, delivery }, problems };
}

/** The settings of this environment, refusing bad ones (for processes that read them outside loadConfig). */
export function pagesFromEnv(env: Env = process.env): PagesConfig {
  const { config, problems } = pagesConfigFromEnv(env);
  if (problems.length > 0) throw new Error(`Invalid official pages configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return config;
}

/** The connector of each configured network, by name. */
export function pageConnectors(config: PagesConfig): ReadonlyMap<string, PageConnector> {
  const list = (Object.entries(config.networks) as [Network, ConnectorSettings][])
    .map(([network, settings]) => CONNECTORS[network](settings, config.delivery.timeoutMs));
  return outboxChannels(list);
}
