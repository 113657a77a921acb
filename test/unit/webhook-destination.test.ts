import assert from 'node:assert/strict';
import { refusedAddress, refusedDestination, refusedUrlHost } from '../../domain/outbound/webhook/destination';

describe('webhook destinations (domain/outbound/webhook/destination.ts)', () => {
  it('refuses link-local, unspecified, multicast and reserved addresses always, loopback outside development', () => {
    for (const a of ['169.254.169.254', '0.0.0.0', '224.0.0.1', '255.255.255.255', 'fe80::1', '::', 'ff02::1', '::ffff:169.254.169.254']) {
      assert.ok(refusedAddress(a, true), a);
    }
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
      assert.match(refusedAddress(a, false) ?? '', /loopback/, a);
      assert.equal(refusedAddress(a, true), null, `${a} in development`);
    }
    // A region's СЭД on its internal network, and the internet.
    for (const a of ['10.1.2.3', '172.16.0.5', '192.168.1.10', 'fd00::5', '93.184.216.34', '2a00:1450::1']) assert.equal(refusedAddress(a, false), null, a);
  });

  it('checks addresses written in a URL when it is saved, and the resolved ones before a delivery', async () => {
    assert.ok(refusedUrlHost(new URL('https://[fe80::1]/hook'), false));
    assert.ok(refusedUrlHost(new URL('https://localhost/hook'), false));
    assert.equal(refusedUrlHost(new URL('https://sed.example.org/hook'), false), null, 'host names are resolved at delivery');
    const resolvesTo = (address: string) => (async () => [{ address, family: address.includes(':') ? 6 : 4 }]) as never;
    assert.match(await refusedDestination('https://sed.example.org/hook', false, resolvesTo('127.0.0.1')) ?? '', /sed\.example\.org resolves to .*loopback/);
    assert.match(await refusedDestination('https://sed.example.org/hook', true, resolvesTo('169.254.169.254')) ?? '', /link-local/);
    assert.equal(await refusedDestination('https://sed.example.org/hook', false, resolvesTo('10.0.0.7')), null);
  });
});
