import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import * as alertGetAll from './alert/getAll.operation';
import * as deviceGet from './device/get.operation';
import * as deviceGetAll from './device/getAll.operation';
import * as deviceHealthGetAll from './deviceHealth/getAll.operation';
import * as organizationGetAll from './organization/getAll.operation';

type Operation = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[]> };

export const operations: Record<string, Record<string, Operation>> = {
	alert: { getAll: alertGetAll },
	device: { get: deviceGet, getAll: deviceGetAll },
	deviceHealth: { getAll: deviceHealthGetAll },
	organization: { getAll: organizationGetAll },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = operations[resource]?.[operation];
	if (!op) throw new NodeOperationError(this.getNode(), `Unsupported operation ${resource}/${operation}`);
	return [await op.execute.call(this)];
}
