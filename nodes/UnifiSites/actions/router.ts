import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import * as clientGetAll from './client/getAll.operation';
import * as deviceGetAll from './device/getAll.operation';
import * as hostGet from './host/get.operation';
import * as hostGetAll from './host/getAll.operation';
import * as ispMetricGet from './ispMetric/get.operation';
import * as networkGetAll from './network/getAll.operation';
import * as siteGet from './site/get.operation';
import * as siteGetAll from './site/getAll.operation';

type Operation = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[]> };

export const operations: Record<string, Record<string, Operation>> = {
	client: { getAll: clientGetAll },
	device: { getAll: deviceGetAll },
	host: { get: hostGet, getAll: hostGetAll },
	ispMetric: { get: ispMetricGet },
	network: { getAll: networkGetAll },
	site: { get: siteGet, getAll: siteGetAll },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = operations[resource]?.[operation];
	if (!op) throw new NodeOperationError(this.getNode(), `Unsupported operation ${resource}/${operation}`);
	return [await op.execute.call(this)];
}
