import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { err, ok, type Result } from '@zhirong/kernel';

/**
 * Where webhooks may go (SSRF defence). A partner chooses the URL, so without a policy a webhook
 * could be aimed at the platform's own network: the database, a cloud metadata service
 * (169.254.169.254), an admin port on localhost. By default:
 *
 * - the scheme is https (http only when `ZHIRONG_WEBHOOKS_ALLOW_HTTP=true`, for development);
 * - no credentials in the URL, no fragment, at most 2048 characters;
 * - the address connected to is public: loopback, private (RFC 1918, ULA), link-local, CGNAT,
 *   multicast, documentation, benchmarking and other reserved ranges are refused — checked when the
 *   endpoint is registered for IP literals and `localhost` names, and for every connection on the
 *   address DNS actually returned (so a name that later re-resolves to 10.0.0.5 is still refused);
 * - exceptions come from `ZHIRONG_WEBHOOKS_ALLOWED_HOSTS`: host names (exact) and IPs or CIDRs.
 */
export interface UrlPolicyOptions {
  readonly allowHttp: boolean;
  readonly allowedHosts: readonly string[];
}

export type UrlRefusal =
  | { readonly code: 'endpoint_url_invalid'; readonly reason: string }
  | { readonly code: 'endpoint_url_insecure' }
  | { readonly code: 'endpoint_url_forbidden'; readonly host: string };

export const URL_LENGTH_MAX = 2048;

const BLOCKED_V4: readonly [string, number][] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

const BLOCKED_V6: readonly [string, number][] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64 (embeds an IPv4 address)
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard-only
  ['2001::', 32], // Teredo
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4 (embeds an IPv4 address)
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

function blockList(entries: readonly [string, number][], type: 'ipv4' | 'ipv6', into = new BlockList()): BlockList {
  for (const [network, prefix] of entries) into.addSubnet(network, prefix, type);
  return into;
}

const BLOCKED = blockList(BLOCKED_V6, 'ipv6', blockList(BLOCKED_V4, 'ipv4'));

/** Strips the brackets of an IPv6 host as URL.hostname writes it. */
function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

function family(address: string): 'ipv4' | 'ipv6' | undefined {
  const v = isIP(address);
  return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : undefined;
}

export class UrlPolicy {
  readonly allowHttp: boolean;
  readonly #allowedNames = new Set<string>();
  readonly #allowedAddresses = new BlockList();

  constructor(options: UrlPolicyOptions) {
    this.allowHttp = options.allowHttp;
    for (const raw of options.allowedHosts) {
      const entry = bareHost(raw.trim().toLowerCase());
      if (entry === '') continue;
      const slash = entry.indexOf('/');
      if (slash > 0) {
        const network = entry.slice(0, slash);
        const prefix = Number(entry.slice(slash + 1));
        const type = family(network);
        if (type === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > (type === 'ipv4' ? 32 : 128)) {
          throw new Error(`webhooks allowed host ${raw} is not a valid CIDR`);
        }
        this.#allowedAddresses.addSubnet(network, prefix, type);
      } else {
        const type = family(entry);
        if (type !== undefined) this.#allowedAddresses.addAddress(entry, type);
        else this.#allowedNames.add(entry);
      }
    }
  }

  /** Whether connecting to `address` for `hostname` is allowed. */
  addressAllowed(hostname: string, address: string): boolean {
    if (this.#allowedNames.has(bareHost(hostname.toLowerCase()))) return true;
    const type = family(address);
    if (type === undefined) return false;
    if (this.#allowedAddresses.check(address, type)) return true;
    return !BLOCKED.check(address, type);
  }

  /** The checks that need no DNS: scheme, shape, IP literals and `localhost` names. */
  check(text: string): Result<URL, UrlRefusal['code'], UrlRefusal> {
    const refuse = (refusal: UrlRefusal) => err(refusal.code, refusal);
    if (text.length > URL_LENGTH_MAX) {
      return refuse({ code: 'endpoint_url_invalid', reason: `longer than ${URL_LENGTH_MAX} characters` });
    }
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return refuse({ code: 'endpoint_url_invalid', reason: 'not an absolute URL' });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      return refuse({ code: 'endpoint_url_invalid', reason: 'the scheme must be https' });
    }
    if (url.protocol === 'http:' && !this.allowHttp) return refuse({ code: 'endpoint_url_insecure' });
    if (url.username !== '' || url.password !== '') {
      return refuse({ code: 'endpoint_url_invalid', reason: 'credentials do not belong in the URL' });
    }
    if (url.hash !== '' || text.includes('#')) {
      return refuse({ code: 'endpoint_url_invalid', reason: 'a fragment is never sent' });
    }
    const host = bareHost(url.hostname);
    if (host === '') return refuse({ code: 'endpoint_url_invalid', reason: 'no host' });
    const lower = host.toLowerCase();
    if (family(host) !== undefined) {
      if (!this.addressAllowed(host, host)) return refuse({ code: 'endpoint_url_forbidden', host });
    } else if (lower === 'localhost' || lower.endsWith('.localhost') || lower === 'localhost.') {
      if (!this.#allowedNames.has(lower)) return refuse({ code: 'endpoint_url_forbidden', host });
    } else if (!lower.includes('.')) {
      // A single-label name resolves through the local search domains: an internal host.
      if (!this.#allowedNames.has(lower)) return refuse({ code: 'endpoint_url_forbidden', host });
    }
    return ok(url);
  }
}

/** Resolves a host name to its addresses (injectable so tests can resolve a name without DNS). */
export type HostResolver = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

export const systemResolver: HostResolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses: LookupAddress[]) => {
      if (error) reject(error);
      else resolve(addresses);
    });
  });

/** An error raised at connect time when every address of the host is refused by the policy. */
export class AddressForbiddenError extends Error {
  override readonly name = 'AddressForbiddenError';
  readonly code = 'ZR_ADDRESS_FORBIDDEN';
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for `net.connect`/`tls.connect` (undici passes its `connect` options through) that
 * resolves with `resolver` and hands the socket only addresses the policy allows: the check runs on
 * the very address connected to, which closes the DNS-rebinding gap of checking at registration.
 */
export function guardedLookup(policy: UrlPolicy, resolver: HostResolver) {
  return (hostname: string, options: { all?: boolean; family?: number } | number, callback: LookupCallback) => {
    const all = typeof options === 'object' && options !== null && options.all === true;
    resolver(hostname).then(
      (addresses) => {
        const allowed = addresses.filter((a) => policy.addressAllowed(hostname, a.address));
        if (allowed.length === 0) {
          const refused = new AddressForbiddenError(
            `${hostname} resolves only to addresses webhooks may not reach (${addresses.map((a) => a.address).join(', ') || 'none'})`,
          );
          callback(refused, all ? [] : '', 0);
          return;
        }
        if (all)
          callback(
            null,
            allowed.map((a) => ({ address: a.address, family: a.family })),
          );
        else callback(null, allowed[0]?.address ?? '', allowed[0]?.family ?? 4);
      },
      (error: NodeJS.ErrnoException) => callback(error, all ? [] : '', 0),
    );
  };
}
