/**
 * Notion Sync in real n8n: Ensure Database creates the dashboard database under the sandbox parent page, site
 * health rows are upserted into it; a second run finds the same database, reports every row unchanged and makes
 * zero writes (checked in the emulator's own counters). Rows come from a Code node shaped like Health Score's
 * output.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { hostVersions } from './harness';
import { useSandboxedN8n } from './sandboxCredentials';

const workflow = JSON.parse(fs.readFileSync(path.join(__dirname, 'workflows', 'notion-sync.json'), 'utf8')) as Record<string, unknown>;

describe.each(hostVersions())('Notion Sync on n8n %s', (version) => {
	const ctx = useSandboxedN8n(version, ['notion']);

	const writes = () => {
		const s = ctx.sandbox.notion!.getStats();
		return { pages: s.pageCreates + s.pageUpdates + s.pageTrashes, databases: s.databaseCreates, schema: s.dataSourceUpdates };
	};

	test('first run creates the database and the rows; second run changes nothing', async () => {
		const first = await ctx.n8n.run(workflow);
		expect(first.nodeError('Upsert Rows')).toBeUndefined();
		expect(first.status).toBe('success');
		const ensured = first.json('Ensure Database')[0];
		expect(ensured).toMatchObject({ action: 'created', title: 'MSP Site Health' });
		const firstRows = first.json('Upsert Rows');
		expect(firstRows).toHaveLength(12);
		expect(firstRows.every((r) => r.action === 'created' && typeof r.pageId === 'string' && String(r.url).includes('notion.so'))).toBe(true);
		expect(first.items('Upsert Rows').map((i) => (i.pairedItem as { item: number }).item)).toEqual([...Array(12).keys()]);
		const rows = ctx.sandbox.notion!.rows(String(ensured.databaseId));
		expect(rows).toHaveLength(12);
		expect(rows.find((r) => r.properties['Site ID'] === 'site-001')?.properties).toMatchObject({ Site: 'Harbor Dental Group', Status: 'critical', Score: 40, Issues: ['devices offline', 'internet issues'] });

		const before = writes();
		const second = await ctx.n8n.run(workflow);
		expect(second.status).toBe('success');
		expect(second.json('Ensure Database')[0]).toMatchObject({ action: 'unchanged', databaseId: ensured.databaseId });
		const secondRows = second.json('Upsert Rows');
		expect(secondRows).toHaveLength(12);
		expect(secondRows.map((r) => r.action)).toEqual(Array(12).fill('unchanged'));
		expect(writes()).toEqual(before);
		expect(ctx.sandbox.notion!.findDataSources('MSP Site Health')).toHaveLength(1);
		expect(ctx.sandbox.notion!.rows(String(ensured.databaseId))).toHaveLength(12);
	}, 5 * 60_000);

	test('version 2 (Properties mapper, each property set by hand) updates only the mapped property, by expression per item, on the rows version 1 wrote (found, not duplicated)', async () => {
		// The same workflow with Notion Sync 2: the upsert maps two properties by expression and matches on Site ID.
		const v2 = structuredClone(workflow) as { id?: string; name?: string; nodes: Array<{ name: string; type: string; typeVersion: number; parameters: Record<string, unknown> }> };
		v2.id = 'notionSyncV2e2e';
		v2.name = 'Notion Sync version 2';
		for (const node of v2.nodes.filter((n) => n.type.endsWith('.notionSync'))) node.typeVersion = 2;
		const upsert = v2.nodes.find((n) => n.name === 'Upsert Rows')!;
		const { keyProperty, autoMap, ...rest } = upsert.parameters;
		expect([keyProperty, autoMap]).toEqual(['Site ID', true]);
		upsert.parameters = {
			...rest,
			columns: {
				mappingMode: 'defineBelow',
				value: { 'Site ID': "={{ $json['Site ID'] }}", Score: "={{ $json.Score + $itemIndex }}" },
				matchingColumns: ['Site ID'],
				schema: [],
				attemptToConvertTypes: false,
				convertFieldsToString: false,
			},
		};
		const result = await ctx.n8n.run(v2);
		expect(result.nodeError('Upsert Rows')).toBeUndefined();
		const out = result.json('Upsert Rows');
		// Item 0 keeps its score (+0); every other item's Score changes and nothing else does.
		expect(out.map((r) => r.action)).toEqual(['unchanged', ...Array(11).fill('updated')]);
		expect(out.slice(1).every((r) => JSON.stringify(r.changed) === '["Score"]')).toBe(true);
		const databaseId = String(result.json('Ensure Database')[0].databaseId);
		const rows = ctx.sandbox.notion!.rows(databaseId);
		expect(rows).toHaveLength(12);
		const again = await ctx.n8n.run(v2);
		expect(again.json('Upsert Rows').map((r) => r.action)).toEqual(Array(12).fill('unchanged'));
	}, 5 * 60_000);
});
