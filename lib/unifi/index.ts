export * from './common';
export * from './networkClient';
export * from './schemas';
export * from './simplify';
export * from './siteManagerClient';
