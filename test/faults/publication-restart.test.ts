// Fault: a scheduled publication's first call to the network fails, the second is accepted by the network
// but its answer never comes back because the worker is killed with SIGKILL meanwhile. After a restart
// the post step is retried with the same idempotency key (workflow id + step), the network recognises
// the repeat, and the publication ends published once, with the network's id of that one post.
import assert from 'node:assert/strict';
import { ORG } from '../support/fixtures';
import { restartWorker } from '../support/processes';
import { eventually, faultPlatform, http, type FaultPlatform } from './platform';

describe('faults: a publication whose connector fails, then loses its answer to a worker kill', function () {
  this.timeout(90_000);
  let p: FaultPlatform;

  before(async function () {
    this.timeout(120_000);
    p = await faultPlatform();
  });

  it('is published exactly once', async () => {
    const [page] = await p.db('official_pages').insert({
      organisation_id: ORG.ministry, network: 'vk', url: `https://vk.com/faults${Date.now()}`, external_id: '-777', name: 'Минздрав',
    }).returning('id');
    const text = `Плановое отключение воды ${Date.now()}`;
    const draft = await http(p, 'POST', `/organisations/${ORG.ministry}/publications`, {
      token: p.tokens.operator, body: { pageId: page.id, text, publishAt: new Date(Date.now() + 1000).toISOString() },
    });
    assert.equal(draft.status, 201, draft.text);
    const id: string = draft.body.id;
    const key = `publication-${id}:publish`;
    const calls = () => p.networks.calls.filter((c) => c.params.guid === key);

    p.networks.failNext(503); // the first attempt: the network is down
    p.networks.holdNext(); // the second: posted, but the answer does not come back before the kill
    const approved = await http(p, 'POST', `/publications/${id}/approval`, { token: p.tokens.supervisor });
    assert.equal(approved.status, 200, approved.text);

    await eventually('the network to accept the post and hold its answer', async () => calls().some((c) => c.outcome === 'held'), 20_000);
    await restartWorker(p.worker, p.client);

    const row = async () => p.db('publications').where({ id }).first();
    await eventually('the publication to be published', async () => (await row()).status === 'published', 30_000, row);
    const posts = p.networks.posts.filter((x) => x.guid === key);
    assert.equal(posts.length, 1, 'one post on the page');
    const done = await row();
    assert.equal(done.network_post_id, posts[0].postId);
    assert.deepEqual(calls().map((c) => c.outcome), ['failed', 'held', 'repeated']);
    assert.equal(done.attempts, 3);
    assert.equal(done.attempt_started_at, null);
  });
});
