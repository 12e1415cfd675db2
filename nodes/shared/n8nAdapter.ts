import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';
import { isMspOpsError, type MspOpsError } from '../../lib/errors';
import { redact } from '../../lib/http/redact';
import { noteItemError } from './opsLog';
import './timers';

/**
 * The one place where lib errors become n8n errors, and where per-item execution, continueOnFail and
 * pairedItem are handled, so every node in the package behaves the same way.
 */

function describe(error: MspOpsError): string | undefined {
	const parts: string[] = [];
	if (error.description) parts.push(error.description);
	if (error.field) parts.push(`Field: ${error.field}`);
	if (error.expected) parts.push(`Expected: ${error.expected}`);
	if (error.received) parts.push(`Received: ${error.received}`);
	if (error.requestId) parts.push(`Request id: ${error.requestId}`);
	if (error.retryable) parts.push('This may succeed if you run it again later.');
	return parts.length ? redact(parts.join('\n')) : undefined;
}

/** Map any thrown value to NodeApiError (service answered with an error) or NodeOperationError (everything else). */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (isMspOpsError(error)) {
		const index = itemIndex ?? error.itemIndex;
		const message = redact(error.message);
		if (error.httpStatus !== undefined) {
			return new NodeApiError(node, error.toJSON() as JsonObject, {
				message,
				description: describe(error),
				httpCode: String(error.httpStatus),
				itemIndex: index,
			});
		}
		return new NodeOperationError(node, message, { description: describe(error), itemIndex: index });
	}
	const message = redact(error instanceof Error ? error.message : String(error));
	return new NodeOperationError(node, message, { itemIndex });
}

/** The JSON put on an item when continueOnFail is on: message plus the structured fields. */
export function errorItemJson(error: unknown): IDataObject {
	if (isMspOpsError(error)) return { error: redact(error.message), details: error.toJSON() as IDataObject };
	return { error: redact(error instanceof Error ? error.message : String(error)) };
}

/**
 * What a failed item becomes: with Continue On Fail an error item paired with `pairedItems` (default: the item),
 * otherwise a thrown NodeApiError / NodeOperationError naming `itemIndex`. Nodes that handle all items in one go
 * (their parameters read from item 0) call it with itemIndex 0 and, if the whole run failed, every input item.
 */
export function failedItems(ctx: IExecuteFunctions, error: unknown, itemIndex: number, pairedItems: readonly number[] = [itemIndex]): INodeExecutionData[] {
	if (ctx.continueOnFail()) {
		noteItemError(ctx, error, itemIndex);
		return pairedItems.map((item) => ({ json: errorItemJson(error), pairedItem: { item } }));
	}
	const nodeError = toNodeError(ctx.getNode(), error, itemIndex);
	noteItemError(ctx, error, itemIndex, nodeError);
	throw nodeError;
}

/**
 * Run `handler` once per input item. Results are wrapped with pairedItem; a failing item either becomes an
 * error item (continueOnFail) or stops the node with an error that names the item.
 */
export async function runPerItem(
	ctx: IExecuteFunctions,
	handler: (itemIndex: number) => Promise<IDataObject | IDataObject[]>,
): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const result = await handler(i);
			const executionData = ctx.helpers.constructExecutionMetaData(ctx.helpers.returnJsonArray(result), {
				itemData: { item: i },
			});
			out.push(...executionData);
		} catch (error) {
			out.push(...failedItems(ctx, error, i));
		}
	}
	return out;
}

/** `build` run on the first call only; every later call gets the same outcome, value or error. */
export function once<T>(build: () => T | Promise<T>): () => Promise<T> {
	let result: Promise<T> | undefined;
	return () => (result ??= Promise.resolve().then(build));
}

/**
 * `runPerItem` with a value shared by all items, usually the API client built from the credential and the
 * per-execution caches that go with it. `setup` runs when the first item needs it, inside the per-item error
 * handling, so a credential that cannot make a client (empty API key, malformed URL) fails like any other item
 * error: a NodeOperationError naming the item, or with Continue On Fail an error item for each item. Building the
 * client before `runPerItem` would throw past Continue On Fail.
 */
export function runPerItemWith<T>(
	ctx: IExecuteFunctions,
	setup: () => T | Promise<T>,
	handler: (shared: T, itemIndex: number) => Promise<IDataObject | IDataObject[]>,
): Promise<INodeExecutionData[]> {
	const shared = once(setup);
	return runPerItem(ctx, async (i) => handler(await shared(), i));
}
