/**
 * The bundled Azure Pipeline Sync (workflows/azure-pipeline-sync.json) and its review sub-workflow
 * (workflows/azure-promotion-review.json), exactly as shipped, in real n8n (`n8n start`) on both hosts, against the
 * sandbox's seeded Azure Pipeline database. The main workflow starts one review execution per Requested row without
 * waiting for it; the Prod -> Customer promotion parks its own execution at the Wait form until a checker answers.
 */
import { checkerSignature, promotionHash } from '../../lib/gate';
import { startSandbox, type Sandbox } from '../sandbox';
import { CHECKERS, MAKER } from '../sandbox/workspace';
import { codeOf, output, ran, submitForm, type Approval, type Execution, type Item } from './approvals';
import { createN8nInstance, hostVersions, poll, type N8nInstance } from './harness';
import { bundledWorkflow } from './pipelines';
import { sandboxCredentials } from './sandboxCredentials';

const main = bundledWorkflow('azure-pipeline-sync.json');
const review = bundledWorkflow('azure-promotion-review.json');
const errorLogger = bundledWorkflow('ops-error-logger.json');

const [BOB, CAROL] = CHECKERS;



describe.each(hostVersions())('Azure Pipeline Sync on n8n %s', (version) => {
	let n8n: N8nInstance;
	let sandbox: Sandbox;
	let started = Date.now();
	/** The seeded rows as they were before any run. */
	let seededRows: Map<string, { pageId: string; last_edited_time: string; properties: Record<string, unknown> }>;
	/** The Prod -> Customer review waiting for a checker after run 1, and its approval request. */
	let waiting: { id: string; approval: Approval } | undefined;
	const allCodes: string[] = [];

	beforeAll(async () => {
		started = Date.now();
		sandbox = await startSandbox({ services: ['notion', 'supabase'] });
		n8n = await createN8nInstance(version);
		await n8n.importCredentials(sandboxCredentials(sandbox));
		// The review sub-workflow first: the main workflow calls it by id.
		for (const workflow of [errorLogger, review, main]) await n8n.importWorkflow(workflow);
		// As in production: scheduled (non-manual) runs call the review's published version, manual runs its draft.
		await n8n.publishWorkflow(review.id);
		await n8n.startServer();
		seededRows = new Map(rows().map((r) => [String(r.properties['Item ID']), { pageId: r.pageId, last_edited_time: r.last_edited_time, properties: r.properties }]));
	}, 15 * 60_000);

	afterAll(async () => {
		// eslint-disable-next-line no-console
		console.log(`Azure Pipeline Sync e2e on n8n ${version}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
		await n8n?.stop();
		await sandbox?.stop();
	});

	const workspace = () => sandbox.workspace!.azurePipeline;
	const rows = () => sandbox.notion!.rows(workspace().dataSourceId);
	const row = (itemId: string) => rows().find((r) => r.properties['Item ID'] === itemId)?.properties ?? {};
	const pageWrites = () => {
		const s = sandbox.notion!.getStats();
		return s.pageCreates + s.pageUpdates + s.pageTrashes;
	};
	const db = <R extends Record<string, unknown> = Record<string, any>>(sql: string, params: unknown[] = []) => sandbox.supabase!.query<R>(sql, params);
	const execution = (id: string) => n8n.publicApi<Execution>('GET', `/executions/${id}?includeData=true`);
	const reviewExecutions = () => n8n.executions(review.id);

	/** Runs the main workflow from Run Now in the server and returns its finished execution. */
	async function runMain(): Promise<Execution> {
		const id = await n8n.runManually(main.id, 'Run Now');
		const e = await n8n.finishedExecution<Execution>(id);
		expect(e.status).toBe('success');
		return e;
	}

	/** Waits until the review executions are `count` in all, none of them running, and returns them. */
	const settledReviews = (count: number) =>
		poll(`${count} review executions to settle`, async () => {
			const list = await reviewExecutions();
			return list.length === count && list.every((e) => ['success', 'waiting', 'error', 'crashed'].includes(e.status)) ? list : undefined;
		}, 120_000);

	/** The approval request of a waiting review (Evaluate Promotion's Needs Approval output). */
	async function approvalOf(id: string): Promise<Approval> {
		const e = await execution(id);
		expect(e.status).toBe('waiting');
		const [evaluated] = output(e, 'Evaluate Promotion', 1);
		expect(evaluated?.json.decision).toBe('needsApproval');
		// The codes went to the checkers' branch before the execution parked.
		expect(output(e, 'Send Code to Checker (add Email or Slack)').map((i) => i.json.checker)).toEqual([BOB, CAROL]);
		const approval = evaluated.json.approval as Approval;
		allCodes.push(approval.token, ...approval.checkers.map((c) => c.approvalCode));
		return approval;
	}

	const hashOf = (item: string, from: string, to: string) => promotionHash({ item, from: from as 'lab', to: to as 'lab', maker: MAKER });

	test('run 1: promotions applied, blocked ones explained, Prod -> Customer waits for a checker in its own execution', async () => {
		const requested = workspace().requested;
		expect(requested.map((p) => p.id)).toEqual(['AZ-201', 'AZ-202', 'AZ-203', 'AZ-204', 'AZ-205', 'AZ-206']);

		// The first two row writes meet a 503 and a 429 (Retry-After 1 s): the reviews retry them, and the rows below
		// are as if nothing had happened.
		const refused = () => ({ 503: sandbox.notion!.statusCounters.get(503) ?? 0, 429: sandbox.notion!.statusCounters.get(429) ?? 0 });
		const refusedBefore = refused();
		sandbox.notion!.scriptFaults([{ status: 503 }, { status: 429, headers: { 'retry-after': '1' } }], /^PATCH \/v1\/pages/);
		const first = await runMain();
		expect(output(first, 'Ensure Azure Pipeline')[0]?.json).toMatchObject({ databaseId: workspace().databaseId });
		expect(output(first, 'Requested Items').map((i) => i.json['Item ID']).sort()).toEqual(requested.map((p) => p.id));
		expect(output(first, 'Review Each Promotion')).toHaveLength(requested.length);

		// One review execution per requested row; only the Prod -> Customer one waits.
		const reviews = await settledReviews(requested.length);
		expect(reviews.filter((e) => e.status === 'success')).toHaveLength(5);
		const waitingList = await n8n.executions(review.id, 'waiting');
		expect(waitingList).toHaveLength(1);
		const approval = await approvalOf(waitingList[0].id);
		waiting = { id: waitingList[0].id, approval };
		expect(approval.checkers.map((c) => c.checker)).toEqual([BOB, CAROL]);
		expect(approval.formUrl).toMatch(new RegExp(`/form-waiting/${waiting.id}${version === '2.8.4' ? '$' : '\\?signature='}`));

		// Approved without a checker: lab -> prod with every check passing, and a rollback down to prod.
		const promotedAt = Date.parse(String(row('AZ-201')['Entered Stage At']));
		expect(Date.now() - promotedAt).toBeLessThan(5 * 60_000);
		expect(row('AZ-201')).toMatchObject({ Stage: 'prod', 'Promote To': null, Status: 'Promoted', 'Decided By': null });
		expect(row('AZ-201').Reasons).toMatch(/all 14 validation checks passed/);
		expect(row('AZ-206')).toMatchObject({ Stage: 'prod', 'Promote To': null, Status: 'Promoted' });
		expect(row('AZ-206').Reasons).toMatch(/rollback from customer to prod/);

		// Blocked, with the gate's reasons; stage unchanged.
		expect(row('AZ-202')).toMatchObject({ Stage: 'lab', 'Promote To': 'prod', Status: 'Blocked' });
		expect(row('AZ-202').Reasons).toMatch(/2 of 11 failed/);
		expect(row('AZ-204')).toMatchObject({ Stage: 'prod', 'Promote To': 'customer', Status: 'Blocked' });
		expect(row('AZ-204').Reasons).toMatch(/needs a 24 h soak in prod; the item has been in prod for 3 h/);
		expect(row('AZ-205')).toMatchObject({ Stage: 'lab', 'Promote To': 'customer', Status: 'Blocked' });
		expect(row('AZ-205').Reasons).toMatch(/skips prod/);
		for (const id of ['AZ-202', 'AZ-204', 'AZ-205']) expect(row(id)['Decided At']).toEqual(expect.any(String));

		// Waiting: the form link and the request id in the row, stage unchanged.
		expect(row('AZ-203')).toMatchObject({ Stage: 'prod', 'Promote To': 'customer', Status: 'Awaiting Approval', 'Approval Link': approval.formUrl, 'Request ID': approval.requestId, 'Decided By': null });
		expect(row('AZ-203').Reasons).toMatch(/needs a checker's approval/);

		// Left alone: the row decided before, exactly as seeded.
		const before = seededRows.get('AZ-190')!;
		const after = rows().find((r) => r.pageId === before.pageId)!;
		expect(after.last_edited_time).toBe(before.last_edited_time);
		expect(after.properties).toEqual(before.properties);
		expect(rows()).toHaveLength(requested.length + workspace().otherRows);

		// One audit row per decision, by the review executions.
		const audit = await db<{ change_hash: string; decision: string; checker: string | null; execution_id: string; request_id: string | null; reasons: Array<{ code: string }> }>(
			'select change_hash, decision, checker, execution_id, request_id, reasons from change_approvals where workflow_id = $1 order by id',
			[review.id],
		);
		expect(audit).toHaveLength(requested.length);
		const expectedDecision = { approved: 'auto_approved', needsApproval: 'needs_approval', rejected: 'rejected' } as const;
		for (const p of requested) {
			const rowsFor = audit.filter((a) => a.change_hash === hashOf(p.id, p.from, p.to));
			expect([p.id, rowsFor.map((a) => a.decision), rowsFor[0]?.reasons.map((r) => r.code)]).toEqual([p.id, [expectedDecision[p.expect]], p.codes]);
		}
		expect(new Set(audit.map((a) => a.execution_id)).size).toBe(requested.length);
		expect(audit.find((a) => a.decision === 'needs_approval')).toMatchObject({ execution_id: waiting.id, request_id: approval.requestId });

		// The run summary.
		const summaries = await db('select * from workflow_execution_logs where workflow_id = $1', [main.id]);
		expect(summaries).toHaveLength(1);
		expect(summaries[0]).toMatchObject({ execution_id: first.id, pipeline: 'Azure Pipeline Sync', status: 'success', items_read: requested.length });

		// The approval codes (and the token they are made from) go to the checkers only: not into Notion or the logs.
		const written = JSON.stringify([rows(), audit, summaries]);
		for (const secret of allCodes) expect(written).not.toContain(secret);
		expect(refused()).toEqual({ 503: refusedBefore[503] + 1, 429: refusedBefore[429] + 1 });
	});

	test('carol approves AZ-203 through the Wait form: promoted to customer, decided by carol', async () => {
		expect(waiting).toBeDefined();
		const { id, approval } = waiting!;
		const page = await fetch(approval.formUrl, { signal: AbortSignal.timeout(30_000) });
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toContain('Approve a stage promotion');
		expect(html).toContain('requested by alice@msp.example');

		const code = approval.checkers.find((c) => c.checker === CAROL)!.approvalCode;
		expect((await submitForm(approval.formUrl, { decision: 'Approve', reason: 'Soak looked clean', code })).status).toBe(200);
		const e = await n8n.finishedExecution<Execution>(id);
		expect(e.status).toBe('success');
		expect(ran(e, 'Write Not Approved')).toBe(false);
		expect(output(e, 'Verify Approval')[0]?.json).toMatchObject({ decision: 'approved', checker: CAROL, maker: MAKER, checkerReason: 'Soak looked clean' });
		expect(row('AZ-203')).toMatchObject({ Stage: 'customer', 'Promote To': null, Status: 'Promoted', 'Decided By': CAROL, 'Approval Link': null, 'Request ID': approval.requestId });
		expect(row('AZ-203').Reasons).toBe(`Approved by ${CAROL}`);
		expect(Date.now() - Date.parse(String(row('AZ-203')['Decided At']))).toBeLessThan(5 * 60_000);

		const audit = await db<{ decision: string; checker: string | null }>('select decision, checker from change_approvals where request_id = $1 order by id', [approval.requestId]);
		expect(audit.map((a) => [a.decision, a.checker])).toEqual([
			['needs_approval', null],
			['approved', CAROL],
		]);
		expect(JSON.stringify(rows())).not.toContain(code);
	});

	test('no promotion without a valid approval: the maker approving their own, or a row edited while it waited', async () => {
		// New requests, added to Notion the way a person would (not counted as pipeline writes).
		const soaked = new Date(Date.now() - 30 * 3_600_000).toISOString();
		const request = (id: string, item: string) => ({ Item: item, 'Item ID': id, Kind: 'change', Stage: 'prod', 'Promote To': 'customer', Maker: MAKER, Status: 'Requested', 'Checks Passed': 5, 'Checks Failed': 0, 'Entered Stage At': soaked });
		const [, editedPage] = sandbox.notion!.seedRows(workspace().dataSourceId, [request('AZ-207', 'Windows update ring v4'), request('AZ-208', 'Firewall geo-block list v2')]);
		const before = (await reviewExecutions()).map((e) => e.id);
		await runMain();
		const fresh = (await settledReviews(before.length + 2)).filter((e) => !before.includes(e.id));
		expect(fresh.map((e) => e.status)).toEqual(['waiting', 'waiting']);
		const waitingFor = new Map<string, { id: string; approval: Approval }>();
		for (const e of fresh) {
			const approval = await approvalOf(e.id);
			const itemId = rows().find((r) => r.properties['Request ID'] === approval.requestId)!.properties['Item ID'] as string;
			expect(row(itemId)).toMatchObject({ Status: 'Awaiting Approval', 'Approval Link': approval.formUrl });
			waitingFor.set(itemId, { id: e.id, approval });
		}

		// AZ-207: the maker answers with a code made for themselves.
		const self = waitingFor.get('AZ-207')!;
		const makersCode = checkerSignature(sandbox.credentials.gateSigningSecret, self.approval.token, MAKER);
		expect((await submitForm(self.approval.formUrl, { decision: 'Approve', code: makersCode })).status).toBe(200);
		const e207 = await n8n.finishedExecution<Execution>(self.id);
		expect(e207.status).toBe('success');
		expect(ran(e207, 'Write Customer Promotion')).toBe(false);
		expect(row('AZ-207')).toMatchObject({ Stage: 'prod', 'Promote To': 'customer', Status: 'Rejected', 'Approval Link': null });
		expect(row('AZ-207').Reasons).toMatch(/made this change and cannot approve it/);

		// AZ-208: someone else becomes the maker while it waits; bob's approval was for alice's request.
		const edited = waitingFor.get('AZ-208')!;
		const patched = await fetch(`${sandbox.urls.notion}/v1/pages/${editedPage}`, {
			method: 'PATCH',
			headers: { authorization: `Bearer ${sandbox.credentials.notionToken}`, 'notion-version': '2025-09-03', 'content-type': 'application/json' },
			body: JSON.stringify({ properties: { Maker: { email: 'dave@msp.example' } } }),
		});
		expect(patched.status).toBe(200);
		const bobsCode = edited.approval.checkers.find((c) => c.checker === BOB)!.approvalCode;
		expect((await submitForm(edited.approval.formUrl, { decision: 'Approve', code: bobsCode })).status).toBe(200);
		const e208 = await n8n.finishedExecution<Execution>(edited.id);
		expect(e208.status).toBe('success');
		expect(ran(e208, 'Write Customer Promotion')).toBe(false);
		expect(row('AZ-208')).toMatchObject({ Stage: 'prod', Status: 'Rejected', 'Approval Link': null });

		const decided = async (requestId: string) =>
			(await db<{ decision: string; reasons: Array<{ code: string }> }>('select decision, reasons from change_approvals where request_id = $1 order by id', [requestId])).map((a) => [
				a.decision,
				a.reasons.map((r) => r.code),
			]);
		expect(await decided(self.approval.requestId)).toEqual([['needs_approval', ['customerApproval']], ['rejected', expect.arrayContaining(['selfApproval'])]]);
		expect(await decided(edited.approval.requestId)).toEqual([['needs_approval', ['customerApproval']], ['rejected', expect.arrayContaining(['changeHashMismatch'])]]);
	});

	test('a run with nothing Requested writes nothing to Notion and starts no review', async () => {
		const reviewsBefore = (await reviewExecutions()).length;
		const writesBefore = pageWrites();
		const e = await runMain();
		expect(output(e, 'Anything Requested?', 0)).toHaveLength(0);
		expect(ran(e, 'Review Each Promotion')).toBe(false);
		expect(ran(e, 'Log Run Summary')).toBe(true);
		// Give a stray sub-execution time to show up.
		await new Promise((r) => setTimeout(r, 2000));
		expect((await reviewExecutions()).length).toBe(reviewsBefore);
		expect(pageWrites()).toBe(writesBefore);
		const [summary] = await db('select * from workflow_execution_logs where execution_id = $1', [e.id]);
		expect(summary).toMatchObject({ workflow_id: main.id, status: 'success', items_read: 0 });
	});
});
