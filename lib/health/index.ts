export * from './settings';
export * from './score';
export * from './join';
export * from './estate';
