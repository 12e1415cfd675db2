import { constructExecutionMetaData, returnJsonArray } from 'n8n-core';
import { NodeOperationError, type IExecuteFunctions, type INode, type INodeExecutionData, type INodeType } from 'n8n-workflow';

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
	/** The node's version in the workflow (default 1). */
	typeVersion?: number;
	/** The workflow's time zone (`getTimezone()`), default UTC. */
	timezone?: string;
	/** `getWorkflow()` and `getExecutionId()` (default a test workflow and execution). */
	workflow?: { id: string; name: string };
	executionId?: string;
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
		typeVersion: options.typeVersion ?? 1,
		position: [0, 0],
		parameters: {},
	};
	const ctx = {
		getInputData: () => input,
		getNode: () => node,
		continueOnFail: () => options.continueOnFail === true,
		getTimezone: () => options.timezone ?? 'UTC',
		getWorkflow: () => ({ active: false, ...(options.workflow ?? { id: 'wfUnitTest', name: 'Unit test workflow' }) }),
		getExecutionId: () => options.executionId ?? 'exec-unit-1',
		logger: { warn: () => undefined, info: () => undefined, debug: () => undefined, error: () => undefined },
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

export interface ConfigErrorCase {
	params: Record<string, unknown>;
	credentials: Record<string, Record<string, unknown>>;
	message: RegExp;
}

/**
 * The two tests every node has for a credential that cannot make a client (an empty key, a malformed URL): without
 * Continue On Fail a NodeOperationError naming item 0; with it one paired error item per input item; and in both
 * cases no request reaches the service (`requestsSent` reads the emulators' counters).
 */
export function itFailsPerItemOnConfigErrors(node: INodeType, cases: () => ConfigErrorCase[], requestsSent: () => number = () => 0): void {
	it('without Continue On Fail: a NodeOperationError naming the item', async () => {
		for (const { params, credentials, message } of cases()) {
			const error = await runNode(node, { params, credentials }).catch((e: unknown) => e);
			expect([params.resource, params.operation, error]).toEqual([params.resource, params.operation, expect.any(NodeOperationError)]);
			expect((error as NodeOperationError).message).toMatch(message);
			expect((error as NodeOperationError).context.itemIndex).toBe(0);
		}
	});

	it('with Continue On Fail: one error item per input item, paired, and no request sent', async () => {
		for (const { params, credentials, message } of cases()) {
			const out = await runNode(node, { params, credentials, items: 2, continueOnFail: true });
			expect([params.resource, params.operation, out.map((o) => o.pairedItem)]).toEqual([params.resource, params.operation, [{ item: 0 }, { item: 1 }]]);
			for (const o of out) expect(String(o.json.error)).toMatch(message);
		}
		expect(requestsSent()).toBe(0);
	});
}
