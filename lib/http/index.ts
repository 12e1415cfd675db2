export * from './client';
export * from './concurrency';
export * from './metrics';
export * from './policy';
export * from './rawFetch';
export * from './rateLimiter';
export * from './redact';
export { TransportError, type RawRequest, type RawResponse } from './transport';
export * from './timers';
