/**
 * The linearizability checker: Wing & Gong's search with Lowe's memoization (search.ts) per key
 * (check.ts), the register and kv models, and the diagnosis of a failure (diagnose.ts).
 */
export { checkLinearizability, type CheckOptions, type CheckProgress, type LinearizabilityFailure, type LinearizabilityReport, type PartitionReport } from './check.js';
export { ANOMALY_EXPLANATIONS, diagnose, type AnomalyKind, type Diagnosis, type DiagnoseLimits, type LinearizationStep } from './diagnose.js';
export { kvModel } from './kv_model.js';
export { MODELS, modelByName, readOperations } from './load.js';
export { Interner, type Model, type ModelViolation, type Problem } from './model.js';
export { formatRegisterValue, registerModel } from './register_model.js';
export { searchLinearization, type Linearization, type SearchLimits, type SearchResult, type Verdict } from './search.js';
