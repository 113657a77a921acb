// Odnoklassniki: mediatopic.post of a text topic in the group, signed as the OK API asks (md5 of the
// sorted parameters and of the token with the application's secret). OK has no idempotency key: a lost
// answer leaves the outcome in doubt (see PageConnector.idempotent).
// https://apiok.ru/dev/methods/rest/mediatopic/mediatopic.post
import { createHash } from 'node:crypto';
import { callApi, transientHttp, unanswered } from './http';
import type { ConnectorSettings, PageConnector, PostResult } from './types';

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

/** The `sig` of a call: md5(sorted k=v of every parameter but the token + md5(token + secret)). */
export function okSignature(params: Record<string, string>, token: string, secret: string): string {
  const joined = Object.keys(params).sort().map((k) => `${k}=${params[k]}`).join('');
  return md5(joined + md5(token + secret));
}

/** OK error codes that pass: unknown, service unavailable, too many calls, system error. */
const TRANSIENT_OK_ERRORS = new Set([1, 3, 7, 9999]);

export function okConnector(settings: ConnectorSettings, timeoutMs: number): PageConnector {
  return {
    name: 'ok',
    idempotent: false,
    async send(post): Promise<PostResult> {
      const params: Record<string, string> = {
        application_key: settings.appKey ?? '', method: 'mediatopic.post', gid: post.pageExternalId, type: 'GROUP_THEME',
        attachment: JSON.stringify({ media: [{ type: 'text', text: post.text }] }), format: 'json',
      };
      let answer;
      try {
        answer = await callApi(settings.baseUrl, {
          ...params, access_token: settings.token, sig: okSignature(params, settings.token, settings.appSecret ?? ''),
        }, { timeoutMs });
      } catch (e) {
        return unanswered('ok', e);
      }
      const json = answer.json as string | { error_code?: number; error_msg?: string } | null;
      if (answer.status === 200 && typeof json === 'string' && json !== '') {
        return { status: 'posted', postId: json, url: `https://ok.ru/group/${post.pageExternalId}/topic/${json}` };
      }
      if (answer.status === 200 && json && typeof json === 'object' && json.error_code !== undefined) {
        return { status: 'failed', permanent: !TRANSIENT_OK_ERRORS.has(json.error_code), error: `ok: error ${json.error_code}: ${json.error_msg ?? ''}`.trim() };
      }
      return { status: 'failed', permanent: !transientHttp(answer.status), error: `ok: unexpected answer, HTTP ${answer.status}` };
    },
  };
}
