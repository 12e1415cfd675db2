export { normaliseIdentity, identitySchema, nonEmptyText, type GateDecision, type GateReason, type GateResult } from './reasons';
export * from './changeRequest';
export * from './changeHash';
export * from './rules';
export * from './stages';
export * from './approvalToken';
export * from './verify';
