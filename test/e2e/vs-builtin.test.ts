/**
 * Keeps `npm run bench -- vs-builtin` working: the same comparison at 6 rows in real n8n 2.8.4 (the built-in node
 * versions the benchmark is about), Notion (empty target, then a re-run) and HubSpot (a re-run). Checks that both
 * approaches ran through the sandbox (the redirect preload took the built-in nodes' calls) and that the counts agree
 * with each other; never timing. Runs on 2.8.4 only, whichever hosts E2E_HOSTS lists besides.
 */
import { compare } from '../../bench/vs-builtin/compare';
import { hostVersions } from './harness';

const ROWS = 6;
const run = hostVersions().includes('2.8.4') ? test : test.skip; // the comparison is about n8n 2.8's built-in nodes

describe('vs-builtin benchmark harness on n8n 2.8.4', () => {
	run('both approaches run in one n8n; the built-in pattern rewrites every row, the package writes only what changed', async () => {
		// One n8n for both services; the rate-limit budgets refill while each `n8n execute` starts, so no idle time.
		const result = await compare({ services: ['notion', 'hubspot'], rows: ROWS, runsByService: { notion: ['empty', 'rerun'], hubspot: ['rerun'] }, idleSeconds: { notion: 0, hubspot: 0 } });
		expect(result.host).toBe('2.8.4');
		const notion = result.notion!;
		const empty = notion.runs.empty!;
		const rerun = notion.runs.rerun!;
		for (const m of [empty.builtin, empty.package, rerun.builtin, rerun.package]) {
			expect([m.status, m.error]).toEqual(['success', undefined]);
			expect([m.rowsAfter, m.duplicates, m.correct, m.rateLimited429]).toEqual([ROWS, 0, ROWS, 0]);
		}
		// Built-in: one query, the database read Create makes on every run of the node, one create per row.
		expect(empty.builtin.byRoute['POST /v1/databases/:id/query']).toBe(1);
		expect(empty.builtin.byRoute['POST /v1/pages']).toBe(ROWS);
		expect(empty.builtin.byRoute['GET /v1/databases/:id']).toBe(ROWS / 2); // Loop Over Items, 2 rows per batch
		expect(empty.builtin.calls).toBe(1 + ROWS + ROWS / 2);
		expect(empty.package.byRoute['POST /v1/pages']).toBe(ROWS);
		expect(empty.package.byRoute['POST /v1/data_sources/:id/query']).toBe(1);
		expect([empty.builtin.writes, empty.package.writes]).toEqual([ROWS, ROWS]);
		// Re-run with the same input: the built-in pattern updates every row again; Notion Sync reads and writes nothing.
		expect(rerun.builtin.byRoute).toEqual({ 'POST /v1/databases/:id/query': 1, 'PATCH /v1/pages/:id': ROWS });
		expect(rerun.package.writes).toBe(0);
		expect(rerun.package.calls).toBe(2);
		expect(notion.ratios.rerun).toMatchObject({ calls: (1 + ROWS) / 2, writeCalls: null, recordsWritten: null });

		const hs = result.hubspot!.runs.rerun!;
		expect(result.hubspot!.runs.empty).toBeUndefined();
		for (const m of [hs.builtin, hs.package]) {
			expect([m.status, m.error]).toEqual(['success', undefined]);
			expect([m.rowsAfter, m.duplicates, m.correct, m.rateLimited429]).toEqual([ROWS, 0, ROWS, 0]);
		}
		expect(hs.builtin.byRoute).toEqual({ 'GET /companies/v2/companies/paged': 1, 'PUT /companies/v2/companies/:id': ROWS });
		expect([hs.builtin.writes, hs.builtin.recordsWritten]).toEqual([ROWS, ROWS]);
		expect(hs.package.byRoute).toEqual({ 'POST /crm/v3/objects/companies/batch/read': 1 });
		expect([hs.package.writes, hs.package.recordsWritten]).toEqual([0, 0]);
	}, 10 * 60_000);
});
