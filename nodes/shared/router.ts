import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

/** One operation module (`actions/<resource>/<op>.operation.ts`): its execute returns the node's single output. */
export type OperationModule = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[]> };

/** An operation of a node with several outputs (the Maker/Checker Gate's): its execute returns every output. */
export type MultiOutputOperationModule = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]> };

function unsupported(ctx: IExecuteFunctions, what: string): never {
	throw new NodeOperationError(ctx.getNode(), `Unsupported operation ${what}`, {
		description: 'The workflow names an operation this version of the node does not have; pick the operation again in the node panel',
	});
}

/** The router of a node with one output, from its resource -> operation table (Airtable V2's `router.ts`). */
export function routerFor(operations: Record<string, Record<string, OperationModule>>) {
	return async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const op = Object.hasOwn(operations, resource) && Object.hasOwn(operations[resource], operation) ? operations[resource][operation] : undefined;
		if (!op) unsupported(this, `${resource}/${operation}`);
		return [await op.execute.call(this)];
	};
}

/** The router of a node without resources whose operations fill several outputs. */
export function multiOutputRouterFor(operations: Record<string, MultiOutputOperationModule>) {
	return async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		const op = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
		if (!op) unsupported(this, operation);
		return op.execute.call(this);
	};
}
