import { constructExecutionMetaData, returnJsonArray } from 'n8n-core';
import type { IExecuteFunctions, INode, INodeExecutionData, INodeType } from 'n8n-workflow';

/**
 * A small IExecuteFunctions for running a node class in-process: parameters per item, credentials by name,
 * continueOnFail, and n8n-core's real constructExecutionMetaData/returnJsonArray (so pairedItem is what n8n sets).
 */
export interface FakeExecuteOptions {
	/** Parameters for every item, or one object per item. */
	params: Record<string, unknown> | Array<Record<string, unknown>>;
	credentials: Record<string, Record<string, unknown>>;
	/** Number of input items (default 1, or params.length). */
	items?: number;
	continueOnFail?: boolean;
	nodeType?: string;
	/** The workflow's time zone (`getTimezone()`), default UTC. */
	timezone?: string;
}

export interface FakeRun {
	ctx: IExecuteFunctions;
	credentialCalls: string[];
}

export function rl(value: string, mode = 'list'): { __rl: true; mode: string; value: string } {
	return { __rl: true, mode, value };
}

export function fakeExecute(options: FakeExecuteOptions): FakeRun {
	const perItem = Array.isArray(options.params) ? options.params : undefined;
	const count = options.items ?? perItem?.length ?? 1;
	const input: INodeExecutionData[] = Array.from({ length: count }, (_, i) => ({ json: { index: i } }));
	const credentialCalls: string[] = [];
	const node: INode = {
		id: 'node-under-test',
		name: 'Node Under Test',
		type: options.nodeType ?? 'n8n-nodes-msp-ops.test',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const ctx = {
		getInputData: () => input,
		getNode: () => node,
		continueOnFail: () => options.continueOnFail === true,
		getTimezone: () => options.timezone ?? 'UTC',
		getCredentials: async (name: string) => {
			credentialCalls.push(name);
			const c = options.credentials[name];
			if (!c) throw new Error(`Node does not have credentials of type ${name}`);
			return c;
		},
		getNodeParameter: (name: string, itemIndex: number, fallback?: unknown, opts?: { extractValue?: boolean }) => {
			const params = perItem ? perItem[itemIndex] : (options.params as Record<string, unknown>);
			if (!params) throw new Error(`No parameters for item ${itemIndex}`);
			let value = name in params ? params[name] : fallback;
			if (value === undefined) throw new Error(`Could not get parameter "${name}"`);
			if (opts?.extractValue && value && typeof value === 'object' && '__rl' in value) value = (value as unknown as { value: unknown }).value;
			return value;
		},
		helpers: { constructExecutionMetaData, returnJsonArray },
	};
	return { ctx: ctx as unknown as IExecuteFunctions, credentialCalls };
}

/** Run `node.execute` with the fake context; returns the first output. */
export async function runNode(node: INodeType, options: FakeExecuteOptions): Promise<INodeExecutionData[]> {
	const { ctx } = fakeExecute(options);
	const out = (await node.execute!.call(ctx)) as INodeExecutionData[][];
	return out[0];
}
