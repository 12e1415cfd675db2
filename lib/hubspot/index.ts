export * from './client';
export * from './pacing';
export * from './schemas';
export * from './sync';
