/** Histories: the JSON Lines format, parsing, pairing invocations with completions, partitioning by key. */
export { EVENT_TYPES, isIndeterminate, type EventType, type HistoryEvent, type Operation, type Outcome } from './types.js';
export { parseHistory } from './parse.js';
export { pairOperations } from './operations.js';
export { partitionByKey, type Partition } from './partition.js';
