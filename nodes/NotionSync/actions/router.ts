import { routerFor, type OperationModule } from '../../shared/router';
import * as databaseEnsure from './database/ensure.operation';
import * as rowQuery from './row/query.operation';
import * as rowUpsert from './row/upsert.operation';

export const operations: Record<string, Record<string, OperationModule>> = {
	database: { ensure: databaseEnsure },
	row: { query: rowQuery, upsert: rowUpsert },
};

export const router = routerFor(operations);
