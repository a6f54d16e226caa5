import { HistoryFormatError, JepsenError, JepsenErrorCode } from '../../errors.js';
import { pairOperations, parseHistory, type Operation } from '../../history/index.js';
import { kvModel } from './kv_model.js';
import type { Model } from './model.js';
import { registerModel } from './register_model.js';

export const MODELS: Readonly<Record<string, Model>> = { register: registerModel, kv: kvModel };

export function modelByName(name: string): Model {
  const model = MODELS[name];
  if (model === undefined) {
    throw new JepsenError(JepsenErrorCode.UNKNOWN_MODEL, `unknown model ${JSON.stringify(name)} (expected ${Object.keys(MODELS).join(' or ')})`);
  }
  return model;
}

/** Parses a JSON Lines history, pairs its events and checks every operation against the model. */
export function readOperations(text: string, source: string, model: Model): Operation[] {
  const ops = pairOperations(parseHistory(text, source), source);
  for (const op of ops) {
    const violation = model.validate(op);
    if (violation !== undefined) {
      const line = violation.at === 'complete' ? (op.completeLine ?? op.invokeLine) : op.invokeLine;
      throw new HistoryFormatError(source, line, violation.message);
    }
  }
  return ops;
}
