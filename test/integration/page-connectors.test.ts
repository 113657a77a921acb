// The network connectors of official pages against an HTTP double of the networks' APIs in this process.
import assert from 'node:assert/strict';
import { okSignature } from '../../domain/pages/connectors/ok';
import { pageConnectors, pagesConfigFromEnv } from '../../domain/pages/config';
import { sendThrough } from '../../domain/outbound/registry';
import { doubleEnv, startNetworkDouble, type NetworkDouble } from '../support/network-double';

describe('network connectors against an HTTP double of the networks (domain/pages/connectors/)', () => {
  let double: NetworkDouble;
  before(async () => { double = await startNetworkDouble(); });
  after(async () => { await double.close(); });

  const connectors = () => pageConnectors(pagesConfigFromEnv({ ...doubleEnv(double), OTKLIK_PAGES_TIMEOUT: '500ms' }).config);
  const post = { pageExternalId: '-555', text: 'Новость министерства', idempotencyKey: 'publication-x:publish' };

  it('posts on VK once per idempotency key (guid), and classifies VK\'s errors', async () => {
    const vk = connectors().get('vk')!;
    assert.equal(vk.idempotent, true);
    const first = await vk.send(post);
    assert.deepEqual(first, { status: 'posted', postId: first.status === 'posted' ? first.postId : '', url: `https://vk.com/wall-555_${first.status === 'posted' ? first.postId : ''}` });
    assert.deepEqual(await vk.send(post), first, 'a repeat of the same guid answers the first post');
    assert.equal(double.posts.filter((p) => p.network === 'vk').length, 1);
    double.failNext(502);
    assert.deepEqual(await vk.send(post), { status: 'failed', permanent: false, error: 'vk: unexpected answer, HTTP 502' });
    double.refuseNext(9, 'Flood control');
    assert.deepEqual(await vk.send(post), { status: 'failed', permanent: false, error: 'vk: error 9: Flood control' });
    double.refuseNext(214, 'Access to adding post denied');
    assert.deepEqual(await vk.send(post), { status: 'failed', permanent: true, error: 'vk: error 214: Access to adding post denied' });
    double.holdNext();
    const held = await vk.send({ ...post, idempotencyKey: 'publication-y:publish' });
    assert.equal(held.status, 'failed');
    assert.match(held.status === 'failed' ? held.error : '', /^vk: no answer/);
    assert.equal(held.status === 'failed' && held.permanent, false);
  });

  it('posts on Telegram and OK, signed; a wrong token or an unconfigured network is a permanent failure', async () => {
    const tg = await connectors().get('telegram')!.send({ ...post, pageExternalId: '@minzdrav22' });
    assert.equal(tg.status, 'posted');
    assert.match(tg.status === 'posted' ? tg.url ?? '' : '', /^https:\/\/t\.me\/minzdrav22\/\d+$/);
    double.refuseNext(403, 'Forbidden: bot is not a member of the channel chat');
    assert.deepEqual(await connectors().get('telegram')!.send(post), { status: 'failed', permanent: true, error: 'telegram: 403: Forbidden: bot is not a member of the channel chat' });
    const ok = await connectors().get('ok')!.send({ ...post, pageExternalId: '777' });
    assert.equal(ok.status, 'posted');
    const call = double.calls.filter((c) => c.network === 'ok').at(-1)!;
    const { access_token: token, sig, ...signed } = call.params;
    assert.equal(sig, okSignature(signed, token, 'secret'));
    const wrong = pageConnectors(pagesConfigFromEnv({ ...doubleEnv(double), OTKLIK_VK_TOKEN: 'stolen' }).config).get('vk')!;
    assert.deepEqual(await wrong.send(post), { status: 'failed', permanent: true, error: 'vk: error 5: User authorization failed' });
    const onlyVk = pageConnectors(pagesConfigFromEnv({ OTKLIK_VK_TOKEN: 'x' }).config);
    assert.deepEqual(await sendThrough(onlyVk, 'ok', post), { status: 'failed', permanent: true, error: 'no send method for the channel "ok" (known: vk)' });
  });

  it('reports bad settings by name', () => {
    const { problems } = pagesConfigFromEnv({ OTKLIK_VK_TOKEN: 'x', OTKLIK_VK_API_URL: 'ftp://vk', OTKLIK_PAGES_RETRY_ATTEMPTS: '0' });
    assert.deepEqual(problems, ['OTKLIK_VK_API_URL: expected an http(s):// URL', 'OTKLIK_PAGES_RETRY_ATTEMPTS="0": expected a whole number from 1 to 1000']);
  });
});
