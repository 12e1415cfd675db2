export * from './rows';
export * from './writer';
