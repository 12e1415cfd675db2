export * from './dataSource';
export * from './ensureDatabase';
export * from './properties';
export * from './query';
export * from './rowSync';
export * from './schema';
export * from './transport';
