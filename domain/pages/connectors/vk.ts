// VK: wall.post on the community's wall, as the community (from_group). VK recognises a repeated post by
// its `guid` and answers it with the first post's id, so a publication's idempotency key goes there and
// an attempt whose answer was lost is safe to make again.
// https://dev.vk.com/method/wall.post
import { callApi, transientHttp, unanswered } from './http';
import type { ConnectorSettings, PageConnector, PostResult } from './types';

export const VK_API_VERSION = '5.199';

/** VK error codes that pass: unknown error, too many requests, flood control, internal server error. */
const TRANSIENT_VK_ERRORS = new Set([1, 6, 9, 10]);

export function vkConnector(settings: ConnectorSettings, timeoutMs: number): PageConnector {
  return {
    name: 'vk',
    idempotent: true,
    async send(post): Promise<PostResult> {
      let answer;
      try {
        answer = await callApi(`${settings.baseUrl.replace(/\/$/, '')}/wall.post`, {
          owner_id: post.pageExternalId, from_group: '1', message: post.text, guid: post.idempotencyKey,
          access_token: settings.token, v: VK_API_VERSION,
        }, { timeoutMs });
      } catch (e) {
        return unanswered('vk', e);
      }
      const json = answer.json as { response?: { post_id?: number }; error?: { error_code?: number; error_msg?: string } } | null;
      // VK answers 200 to every call it understood, errors included; anything else came from in front of it.
      if (answer.status === 200 && json?.response?.post_id !== undefined) {
        const postId = String(json.response.post_id);
        return { status: 'posted', postId, url: `https://vk.com/wall${post.pageExternalId}_${postId}` };
      }
      if (answer.status === 200 && typeof json?.error === 'object') {
        const code = json.error.error_code ?? 0;
        return { status: 'failed', permanent: !TRANSIENT_VK_ERRORS.has(code), error: `vk: error ${code}: ${json.error.error_msg ?? ''}`.trim() };
      }
      return { status: 'failed', permanent: !transientHttp(answer.status), error: `vk: unexpected answer, HTTP ${answer.status}` };
    },
  };
}
