import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import * as evaluate from './evaluate.operation';
import * as evaluatePromotion from './evaluatePromotion.operation';
import * as verifyApproval from './verifyApproval.operation';

type Operation = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]> };

export const operations: Record<string, Operation> = { evaluate, evaluatePromotion, verifyApproval };

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = operations[operation];
	if (!op) throw new NodeOperationError(this.getNode(), `Unsupported operation ${operation}`);
	return op.execute.call(this);
}
