// Where a webhook may be sent. Subscribers choose the URL, so a URL must not turn the platform into a
// client of its own host or of the cloud's metadata service (server-side request forgery): loopback
// addresses are refused outside development (OTKLIK_WEBHOOK_ALLOW_HTTP, which also admits http://), and
// link-local (169.254.0.0/16 with the metadata service, fe80::/10), unspecified and multicast addresses
// always. Private networks (10/8, 172.16/12, 192.168/16, fc00::/7) stay allowed: a region's
// document-management system usually lives on its internal network.
// The check runs when a subscription is saved (for addresses written in the URL) and before every
// delivery (for the addresses the host name resolves to then).
import dns from 'node:dns/promises';
import net from 'node:net';

const ALWAYS_REFUSED = new net.BlockList();
ALWAYS_REFUSED.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, cloud metadata (169.254.169.254)
ALWAYS_REFUSED.addSubnet('0.0.0.0', 8, 'ipv4'); // "this network"
ALWAYS_REFUSED.addSubnet('224.0.0.0', 4, 'ipv4'); // multicast
ALWAYS_REFUSED.addSubnet('240.0.0.0', 4, 'ipv4'); // reserved, broadcast
ALWAYS_REFUSED.addSubnet('fe80::', 10, 'ipv6'); // link-local
ALWAYS_REFUSED.addSubnet('ff00::', 8, 'ipv6'); // multicast
ALWAYS_REFUSED.addAddress('::', 'ipv6'); // unspecified

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Why a webhook may not go to this IP address, or null when it may. IPv4-mapped IPv6 counts as IPv4. */
export function refusedAddress(address: string, allowLoopback: boolean): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const ip = mapped ?? address;
  const family = net.isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (ALWAYS_REFUSED.check(ip, family)) return `${address} is a link-local, unspecified, multicast or reserved address`;
  if (!allowLoopback && LOOPBACK.check(ip, family)) return `${address} is this machine (loopback)`;
  return null;
}

/** The host of a URL without IPv6 brackets. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Why the URL's host, written as an address (or `localhost`), is refused; null otherwise (host names are checked at delivery). */
export function refusedUrlHost(url: URL, allowLoopback: boolean): string | null {
  const host = hostOf(url);
  if (net.isIP(host)) return refusedAddress(host, allowLoopback);
  if (!allowLoopback && /^localhost\.?$/i.test(host)) return `${host} is this machine (loopback)`;
  return null;
}

/** Resolves the URL's host and says why a delivery there is refused, or null when every address is allowed. */
export async function refusedDestination(url: string, allowLoopback: boolean, lookup = dns.lookup): Promise<string | null> {
  const u = new URL(url);
  const host = hostOf(u);
  const addresses = net.isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  for (const a of addresses) {
    const why = refusedAddress(a, allowLoopback);
    if (why) return `${u.host} resolves to ${why}`;
  }
  return null;
}
