import { NotionSync } from '../../../nodes/NotionSync/NotionSync.node';
import { itFailsPerItemOnConfigErrors, rl } from '../unifi/fakeExecute';

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

	itFailsPerItemOnConfigErrors(node, () => cases.map((c) => ({ params, ...c })));
});
