export * from './migrations';
export * from './rows';
export * from './writer';
