import type { IncomingMessage } from "node:http";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP } from "node:net";

/**
 * Who is on the other end of a request. The TCP peer is the client unless it is one of our own
 * proxies (`TRUSTED_PROXIES`, default none): only then are `X-Forwarded-For` and friends
 * believed, read from the right (the hop our proxy appended) past every trusted hop. A client
 * talking to us directly cannot choose its address by sending the header, and its forwarding
 * headers are removed before the app sees them (so neither Auth.js nor a page trusts a forged
 * X-Forwarded-Host or -Proto either).
 *
 * The front of the server stamps the answer on the request as `x-agentbill-client-address`
 * (replacing any copy the client sent): `stampClientAddress(req)` on Node's request, before
 * Next or Hono sees it. Everything inside reads it with `clientAddressOf(headers)`.
 */

export const CLIENT_ADDRESS_HEADER = "x-agentbill-client-address";
const FORWARDING_HEADERS = [
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
  "forwarded",
  "x-real-ip",
];

/** `::ffff:1.2.3.4` → `1.2.3.4`, `[::1]:80` → `::1`, `1.2.3.4:5678` → `1.2.3.4`; "" when not an address. */
export function normalizeAddress(raw: string | undefined | null): string {
  let a = (raw ?? "").trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(":"));
  if (/^::ffff:\d{1,3}(\.\d{1,3}){3}$/i.test(a)) a = a.slice(7);
  return isIP(a) ? a.toLowerCase() : "";
}

/** TRUSTED_PROXIES as a matcher (entries are checked by lib/env.ts). */
export class TrustedProxies {
  private readonly list = new BlockList();
  readonly size: number;
  constructor(entries: string[]) {
    for (const entry of entries) {
      const [addr, bits] = entry.split("/");
      const type = isIP(addr!) === 6 ? "ipv6" : "ipv4";
      if (bits === undefined) this.list.addAddress(addr!, type);
      else this.list.addSubnet(addr!, Number(bits), type);
    }
    this.size = entries.length;
  }
  has(address: string): boolean {
    if (this.size === 0 || !address) return false;
    return this.list.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
  }
}

/** The client's address given the TCP peer and the X-Forwarded-For it sent (pure). */
export function resolveClientAddress(
  peerRaw: string | undefined,
  forwardedFor: string | undefined,
  trusted: TrustedProxies,
): string {
  return resolveFromPeer(normalizeAddress(peerRaw) || "unknown", forwardedFor, trusted);
}

/** resolveClientAddress with the peer already normalised ("unknown" when it is not an address). */
function resolveFromPeer(peer: string, forwardedFor: string | undefined, trusted: TrustedProxies): string {
  if (!trusted.has(peer)) return peer;
  let client = peer;
  const hops = (forwardedFor ?? "").split(",").map((h) => h.trim());
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeAddress(hops[i]);
    if (!hop) break; // garbage left of our proxies' hops is the client's own writing
    client = hop;
    if (!trusted.has(hop)) break;
  }
  return client;
}

const headerText = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(", ") : v);

/**
 * A socket's peer, normalised ("unknown" when not an address), once per connection: a kept-alive
 * connection's requests all come from the same peer.
 */
const peers = new WeakMap<object, string>();
function peerOf(req: IncomingMessage): string {
  const socket = req.socket;
  if (!socket) return "unknown";
  let peer = peers.get(socket);
  if (peer === undefined) {
    const raw = socket.remoteAddress;
    peer = normalizeAddress(raw) || "unknown";
    // A destroyed socket forgets its address: nothing to remember then.
    if (raw !== undefined) peers.set(socket, peer);
  }
  return peer;
}

/** Stamp the client's address on a Node request, and drop forwarding headers an untrusted peer sent. */
export function stampClientAddress(req: IncomingMessage, trusted: TrustedProxies): void {
  const peer = peerOf(req);
  const peerTrusted = trusted.has(peer);
  // An untrusted peer's X-Forwarded-For is never read (resolveFromPeer answers the peer).
  const forwardedFor = peerTrusted ? headerText(req.headers["x-forwarded-for"]) : undefined;
  const address = resolveFromPeer(peer, forwardedFor, trusted);
  const drop = peerTrusted ? DROP_FROM_TRUSTED : DROP_FROM_UNTRUSTED;
  const rawHeaders = req.rawHeaders;
  let present = false;
  for (let i = 0; i < rawHeaders.length && !present; i += 2) {
    // Only names starting as a dropped one does (either case) are lowered and looked up.
    const name = rawHeaders[i]!;
    present = DROP_FIRST.has(name.charCodeAt(0) | 0x20) && drop.has(name.toLowerCase());
  }
  if (present) {
    // Rare: the client sent headers only we or our proxies may set.
    for (const name of drop) delete req.headers[name];
    const raw: string[] = [];
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      if (!drop.has(rawHeaders[i]!.toLowerCase())) raw.push(rawHeaders[i]!, rawHeaders[i + 1]!);
    }
    req.rawHeaders = raw;
  }
  req.rawHeaders.push(CLIENT_ADDRESS_HEADER, address);
  req.headers[CLIENT_ADDRESS_HEADER] = address;
}
const DROP_FROM_TRUSTED: ReadonlySet<string> = new Set([CLIENT_ADDRESS_HEADER]);
const DROP_FROM_UNTRUSTED: ReadonlySet<string> = new Set([CLIENT_ADDRESS_HEADER, ...FORWARDING_HEADERS]);
/** The first letters (lower case) of every name dropped. */
const DROP_FIRST: ReadonlySet<number> = new Set([...DROP_FROM_UNTRUSTED].map((n) => n.charCodeAt(0) | 0x20));

/** The stamped client address of a request ("unknown" when nothing stamped it). */
export function clientAddressOf(headers: Headers): string {
  return normalizeAddress(headers.get(CLIENT_ADDRESS_HEADER)) || "unknown";
}

const g = globalThis as unknown as { __clientAddressStamp?: TrustedProxies };

/**
 * For servers we don't create ourselves (`next start`, `next dev`): stamp every request an
 * HTTP(S) server of this process receives, before its handler runs. Installed once per process
 * from instrumentation.ts; a front that calls `stampClientAddress` itself gets the same answer.
 */
export function installClientAddressStamp(trusted: TrustedProxies): void {
  if (g.__clientAddressStamp) {
    g.__clientAddressStamp = trusted;
    return;
  }
  g.__clientAddressStamp = trusted;
  for (const proto of [http.Server.prototype, https.Server.prototype]) {
    const emit = proto.emit;
    proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
      if (event === "request" && g.__clientAddressStamp)
        stampClientAddress(args[0] as IncomingMessage, g.__clientAddressStamp);
      return (emit as (...a: unknown[]) => boolean).apply(this, [event, ...args]);
    } as typeof proto.emit;
  }
}
