// Telegram: the Bot API's sendMessage to the channel, by a bot that is the channel's administrator. The
// Bot API has no idempotency key: an attempt whose answer was lost leaves the outcome in doubt (see
// PageConnector.idempotent). https://core.telegram.org/bots/api#sendmessage
import { callApi, transientHttp, unanswered } from './http';
import type { ConnectorSettings, PageConnector, PostResult } from './types';

export function telegramConnector(settings: ConnectorSettings, timeoutMs: number): PageConnector {
  return {
    name: 'telegram',
    idempotent: false,
    async send(post): Promise<PostResult> {
      let answer;
      try {
        answer = await callApi(`${settings.baseUrl.replace(/\/$/, '')}/bot${settings.token}/sendMessage`, {
          chat_id: post.pageExternalId, text: post.text,
        }, { timeoutMs, json: true });
      } catch (e) {
        return unanswered('telegram', e);
      }
      const json = answer.json as { ok?: boolean; result?: { message_id?: number; chat?: { username?: string } }; error_code?: number; description?: string } | null;
      if (json?.ok && json.result?.message_id !== undefined) {
        const postId = String(json.result.message_id);
        const username = json.result.chat?.username;
        return { status: 'posted', postId, url: username ? `https://t.me/${username}/${postId}` : null };
      }
      const status = json?.error_code ?? answer.status;
      return { status: 'failed', permanent: !transientHttp(status), error: `telegram: ${status}: ${json?.description ?? 'unexpected answer'}` };
    },
  };
}
