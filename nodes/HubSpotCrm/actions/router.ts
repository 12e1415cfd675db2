import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import * as propertyEnsure from './property/ensure.operation';
import * as propertyGetAll from './property/getAll.operation';
import * as recordCreate from './record/create.operation';
import * as recordDelete from './record/delete.operation';
import * as recordGet from './record/get.operation';
import * as recordGetAll from './record/getAll.operation';
import * as recordSearch from './record/search.operation';
import * as recordUpdate from './record/update.operation';
import * as recordUpsert from './record/upsert.operation';

type Operation = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[]> };

const recordOperations: Record<string, Operation> = {
	create: recordCreate,
	delete: recordDelete,
	get: recordGet,
	getAll: recordGetAll,
	search: recordSearch,
	update: recordUpdate,
	upsert: recordUpsert,
};

export const operations: Record<string, Record<string, Operation>> = {
	company: recordOperations,
	contact: recordOperations,
	property: { ensure: propertyEnsure, getAll: propertyGetAll },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = operations[resource]?.[operation];
	if (!op) throw new NodeOperationError(this.getNode(), `Unsupported operation ${resource}/${operation}`);
	return [await op.execute.call(this)];
}
