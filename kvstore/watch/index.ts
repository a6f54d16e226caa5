/**
 * kvstore/watch: etcd v3 watch semantics over the MVCC store, independent of the transport.
 * A WatchHub follows the store's commits; each client stream (one gRPC Watch call) is opened with
 * hub.openStream(sink), fed WatchRequests with stream.handle(), and emits WatchResponses to the
 * sink in order, with backpressure through the sink's return value and stream.resume().
 */
export { WatchHub, type WatchHubStats } from './hub.js';
export { DEFAULT_WATCH_HUB_OPTIONS, type WatchHubOptions } from './options.js';
export { WatchError, WatchErrorCode, WATCH_ERROR_MESSAGES } from './errors.js';
export { watchResponseBytes } from './size.js';
export {
  AUTO_WATCH_ID,
  INVALID_WATCH_ID,
  isProgressNotify,
  type WatchableStore,
  type WatchCancelRequest,
  type WatchCreateRequest,
  type WatchEvent,
  type WatchEventType,
  type WatchFilter,
  type WatchRequest,
  type WatchResponse,
  type WatchResponseHeader,
  type WatchSink,
  type WatchStream,
} from './types.js';
