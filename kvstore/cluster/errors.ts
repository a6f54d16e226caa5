/**
 * The error catalog of kvstore/cluster (local clusters for development, tests and the
 * fault-injection suite). Codes are stable strings: callers match on `code`, never on the message.
 */
export const ClusterErrorCode = {
  /** A fault this cluster cannot inject here, with the reason (the mode, the kernel, a missing tool). */
  FAULT_UNSUPPORTED: 'CLUSTER_FAULT_UNSUPPORTED',
  /** Setting up or tearing down the cluster's environment failed (a namespace, a rule, a container). */
  SETUP_FAILED: 'CLUSTER_SETUP_FAILED',
} as const;

export type ClusterErrorCode = (typeof ClusterErrorCode)[keyof typeof ClusterErrorCode];

export class ClusterError extends Error {
  readonly code: ClusterErrorCode;
  constructor(code: ClusterErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClusterError';
    this.code = code;
  }
}

/** "This fault cannot be injected here, because …": `reason` says why, for the run to print. */
export class UnsupportedFaultError extends ClusterError {
  constructor(
    readonly fault: string,
    readonly reason: string,
  ) {
    super(ClusterErrorCode.FAULT_UNSUPPORTED, `${fault} is not supported here: ${reason}`);
    this.name = 'UnsupportedFaultError';
  }
}

/**
 * Why loopback clusters cannot lose packets: their peer links are TCP streams through the peer
 * proxy, and dropping bytes of a stream corrupts it rather than losing a packet (TCP would have
 * retransmitted a lost one).
 */
export const LOOPBACK_LOSS_UNSUPPORTED =
  'packet loss needs real packets: in loopback mode peer links are TCP streams through the peer proxy, which can delay them but not drop packets (run with --net netns, as root on Linux)';
