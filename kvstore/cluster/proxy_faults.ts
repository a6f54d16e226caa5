import { LOOPBACK_LOSS_UNSUPPORTED, UnsupportedFaultError } from './errors.js';
import { sampleDelayMs, type LinkDegradation } from './link_delay.js';

/**
 * The network faults of a cluster whose peer links go through proxies in this process (ketch's
 * PeerProxy, the harness's proxy for etcd): which one-way links are cut (by member name), and how
 * every link is degraded. The proxies ask it per connection (isCut) and per chunk (delayMs).
 * They can delay a link; they cannot lose packets, since what passes through them is a TCP stream.
 */
export class ProxyFaults {
  /** Cut links, as "fromName>toName". */
  private readonly cutLinks = new Set<string>();
  private degradation: LinkDegradation | undefined;

  constructor(private readonly hasProxies: boolean) {}

  /** Cuts exactly these one-way links, replacing any earlier cut (the proxies must then enforce it). */
  cut(links: ReadonlyArray<readonly [{ readonly name: string }, { readonly name: string }]>): void {
    if (!this.hasProxies) throw new Error('cutting links needs peerProxy: true');
    this.cutLinks.clear();
    for (const [from, to] of links) this.cutLinks.add(`${from.name}>${to.name}`);
  }

  isCut(fromName: string | undefined, toName: string | undefined): boolean {
    return this.cutLinks.has(`${fromName}>${toName}`);
  }

  /** Whether any link from or to the member is cut. */
  touches(name: string | undefined): boolean {
    return [...this.cutLinks].some((l) => l.startsWith(`${name}>`) || l.endsWith(`>${name}`));
  }

  /** How long to hold back the next chunk on a link (0 unless degraded). */
  delayMs(): number {
    return sampleDelayMs(this.degradation);
  }

  unsupportedReason(d: LinkDegradation): string | undefined {
    if ((d.lossPercent ?? 0) > 0) return LOOPBACK_LOSS_UNSUPPORTED;
    if (!this.hasProxies) return 'link delay goes through the peer proxy, and this cluster has none (peerProxy: false)';
    return undefined;
  }

  /** Delays every link until heal(); UnsupportedFaultError for loss, or without proxies. */
  degrade(d: LinkDegradation): void {
    const reason = this.unsupportedReason(d);
    if (reason !== undefined) throw new UnsupportedFaultError((d.lossPercent ?? 0) > 0 ? 'loss' : 'delay', reason);
    this.degradation = d;
  }

  heal(): void {
    this.cutLinks.clear();
    this.degradation = undefined;
  }
}
