import { NodeOperationError } from 'n8n-workflow';
import { NotionSync } from '../../../nodes/NotionSync/NotionSync.node';
import { rl, runNode } from '../unifi/fakeExecute';

/**
 * Notion Sync > Query Rows: a credential that cannot make a transport fails per item like any other error (no
 * Notion server is needed: nothing is sent).
 */
describe('Notion Sync node, Query Rows: configuration errors', () => {
	const node = new NotionSync();
	const params = {
		resource: 'row',
		operation: 'query',
		database: rl('0123456789abcdef0123456789abcdef', 'id'),
		dataSource: rl('', 'list'),
		returnAll: true,
		options: {},
	};
	const cases = [
		{ credentials: { mspNotionApi: { token: '' } }, message: /has no integration token/ },
		{ credentials: { mspNotionApi: { token: 'secret_abc', requestsPerSecond: 0 } }, message: /requests per second must be > 0/ },
		{ credentials: { mspNotionApi: { token: 'secret_abc', baseUrl: 'notion.example' } }, message: /Notion base URL "notion.example" must look like https:\/\/api.notion.com/ },
	];

	it('without Continue On Fail: a NodeOperationError naming the item', async () => {
		for (const { credentials, message } of cases) {
			const error = await runNode(node, { params, credentials }).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect((error as NodeOperationError).message).toMatch(message);
			expect((error as NodeOperationError).context.itemIndex).toBe(0);
		}
	});

	it('with Continue On Fail: one error item per input item, paired', async () => {
		for (const { credentials, message } of cases) {
			const out = await runNode(node, { params, credentials, items: 2, continueOnFail: true });
			expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			for (const o of out) expect(String(o.json.error)).toMatch(message);
		}
	});
});
