import { routerFor, type OperationModule } from '../../shared/router';
import * as propertyEnsure from './property/ensure.operation';
import * as propertyGetAll from './property/getAll.operation';
import * as recordCreate from './record/create.operation';
import * as recordDelete from './record/delete.operation';
import * as recordGet from './record/get.operation';
import * as recordGetAll from './record/getAll.operation';
import * as recordSearch from './record/search.operation';
import * as recordUpdate from './record/update.operation';
import * as recordUpsert from './record/upsert.operation';

const recordOperations: Record<string, OperationModule> = {
	create: recordCreate,
	delete: recordDelete,
	get: recordGet,
	getAll: recordGetAll,
	search: recordSearch,
	update: recordUpdate,
	upsert: recordUpsert,
};

export const operations: Record<string, Record<string, OperationModule>> = {
	company: recordOperations,
	contact: recordOperations,
	property: { ensure: propertyEnsure, getAll: propertyGetAll },
};

export const router = routerFor(operations);
