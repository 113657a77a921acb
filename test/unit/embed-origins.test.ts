// The embedding sites' origins: how one is written, whether a page may embed, the frame's policy.
import assert from 'node:assert/strict';
import { embedAllowed, frameAncestors, normaliseEmbedOrigin } from '../../domain/embed/origins';

describe('embed origins (domain/embed/origins.ts)', () => {
  it('normalises an https origin and refuses paths, queries, credentials and other schemes', () => {
    assert.equal(normaliseEmbedOrigin('https://MinZdrav.AlRegn.ru/'), 'https://minzdrav.alregn.ru');
    assert.equal(normaliseEmbedOrigin('https://site.ru:443'), 'https://site.ru');
    assert.equal(normaliseEmbedOrigin('https://site.ru:8443'), 'https://site.ru:8443');
    for (const bad of ['https://site.ru/page', 'https://site.ru/?a=1', 'https://u:p@site.ru', 'ftp://site.ru', 'javascript:alert(1)', 'site.ru', '']) {
      assert.equal(normaliseEmbedOrigin(bad), null, bad);
    }
  });

  it('allows plain http only on this machine', () => {
    assert.equal(normaliseEmbedOrigin('http://localhost:3000'), 'http://localhost:3000');
    assert.equal(normaliseEmbedOrigin('http://127.0.0.1:8080'), 'http://127.0.0.1:8080');
    assert.equal(normaliseEmbedOrigin('http://site.ru'), null);
  });

  it('allows a page only when its origin is on the list', () => {
    const list = ['https://minzdrav.alregn.ru'];
    assert.equal(embedAllowed(list, 'https://minzdrav.alregn.ru'), true);
    assert.equal(embedAllowed(list, 'https://MINZDRAV.alregn.ru/'), true);
    assert.equal(embedAllowed(list, 'https://evil.example'), false);
    assert.equal(embedAllowed(list, undefined), false);
    assert.equal(embedAllowed([], 'https://minzdrav.alregn.ru'), false);
  });

  it("lists the platform itself and the allowed sites in frame-ancestors", () => {
    assert.equal(frameAncestors([]), "frame-ancestors 'self'");
    assert.equal(frameAncestors(['https://a.ru', 'https://b.ru']), "frame-ancestors 'self' https://a.ru https://b.ru");
  });
});
