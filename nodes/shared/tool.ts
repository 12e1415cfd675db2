import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * Whether this execution is an AI agent calling the node as a tool. n8n runs a node used as a tool under its tool
 * variant, whose type name ends in "Tool" (for example `n8n-nodes-msp-ops.notionSyncTool`).
 */
export function isToolExecution(ctx: IExecuteFunctions): boolean {
	return ctx.getNode().type.endsWith('Tool');
}
