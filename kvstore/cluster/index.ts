/** kvstore/cluster: running `ketch store` processes as a local cluster (ketch up, tests, Jepsen). */
export { PeerProxy, type LinkPolicy } from './peer_proxy.js';
export { LocalCluster, freePort, ketchBin, type LocalMember, type LocalClusterOptions } from './local_cluster.js';
export { ClusterError, ClusterErrorCode, LOOPBACK_LOSS_UNSUPPORTED, UnsupportedFaultError } from './errors.js';
export { pipeWithDelay, sampleDelayMs, type LinkDegradation } from './link_delay.js';
export { ProxyFaults } from './proxy_faults.js';
export { NetnsNetwork, type NetnsNode } from './netns_network.js';
export { isRunning, killProcess, memberFlags, memberFlagsOnHost, spawnLogged, stopProcess, waitMembersHealthy, type MemberFlagsInput, type MemberFlagsRest } from './member_process.js';
