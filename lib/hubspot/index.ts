export * from './client';
export * from './pacing';
export * from './schemas';
