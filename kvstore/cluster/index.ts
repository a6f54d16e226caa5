/** kvstore/cluster: running `ketch store` processes as a local cluster (ketch up, tests, Jepsen). */
export { PeerProxy, type LinkPolicy } from './peer_proxy.js';
export { LocalCluster, freePort, ketchBin, type LocalMember, type LocalClusterOptions } from './local_cluster.js';
