import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

/** One operation module (`actions/<resource>/<op>.operation.ts`): its execute returns the node's single output. */
export type OperationModule = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[]> };

/** The router of a node with one output, from its resource -> operation table (Airtable V2's `router.ts`). */
export function routerFor(operations: Record<string, Record<string, OperationModule>>) {
	return async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const op = operations[resource]?.[operation];
		if (!op) throw new NodeOperationError(this.getNode(), `Unsupported operation ${resource}/${operation}`);
		return [await op.execute.call(this)];
	};
}
