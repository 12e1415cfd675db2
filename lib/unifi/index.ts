export * from './common';
export * from './consoles';
export * from './integrationApi';
export * from './networkClient';
export * from './schemas';
export * from './simplify';
export * from './siteManagerClient';
