/** kvstore/cluster: running `ketch store` processes as a local cluster (ketch up, tests, Jepsen). */
export { LocalCluster, freePort, ketchBin, type LocalMember, type LocalClusterOptions } from './local_cluster.js';
