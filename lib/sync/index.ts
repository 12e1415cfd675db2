export * from './plan';
export * from './results';
