import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import * as ensure from './database/ensure.operation';
import * as query from './row/query.operation';
import * as upsert from './row/upsert.operation';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	let out: INodeExecutionData[];
	if (resource === 'row' && operation === 'upsert') out = await upsert.execute.call(this, items);
	else if (resource === 'row' && operation === 'query') out = await query.execute.call(this);
	else if (resource === 'database' && operation === 'ensure') out = await ensure.execute.call(this, items);
	else throw new NodeOperationError(this.getNode(), `Unsupported operation ${resource}/${operation}`);
	return [out];
}
