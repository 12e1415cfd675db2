/**
 * The bundled Config Change Sync pipeline (workflows/config-change-sync.json and its per-change sub-workflow
 * workflows/config-change-review.json, exactly as shipped) in real n8n on both hosts, against the sandbox's seeded
 * Config Changes database. The main workflow runs inside the server (`runManually`), not through the CLI: it starts
 * one review execution per change without waiting for it, and the CLI process would exit before those finish.
 *
 * Run 1 decides every Proposed change: approved and rejected ones are written back at once, the ones that need a
 * checker wait, each in its own execution, with the form link on their row. Then checkers answer through the Wait
 * form with their own codes (read from the waiting execution, standing in for the private message), the maker's own
 * answer is refused, a change edited (or deleted) in Notion while it waits is not approved by a valid checker's answer,
 * and a re-run with nothing Proposed writes nothing. Last, a copy of the pipeline with a 2-second Wait limit shows a
 * change nobody answers marked Expired.
 */
import { checkerSignature } from '../../lib/gate';
import { startSandbox, type Sandbox } from '../sandbox';
import { CHECKERS, MAKER } from '../sandbox/workspace';
import { codeOf, output, ran, submitForm, type Approval, type Execution, type Item } from './approvals';
import { createN8nInstance, hostVersions, poll, type N8nInstance } from './harness';
import { bundledWorkflow, type BundledWorkflow } from './pipelines';
import { sandboxCredentials } from './sandboxCredentials';

const mainWorkflow = bundledWorkflow('config-change-sync.json');
const reviewWorkflow = bundledWorkflow('config-change-review.json');
const errorLogger = bundledWorkflow('ops-error-logger.json');

const [BOB, CAROL] = CHECKERS;

/**
 * The pipeline as shipped, under other ids, with a Wait limit of 2 seconds: for the change nobody answers. Node ids
 * stay (they are unique per workflow); the Wait node's webhook id changes.
 */
function shortWaitCopies(): { main: BundledWorkflow; review: BundledWorkflow } {
	const review = bundledWorkflow('config-change-review.json');
	review.id = 'mspCfgChgRevTest';
	review.name = `${reviewWorkflow.name} (2 s Wait limit)`;
	for (const node of review.nodes) {
		if (node.name !== 'Wait for Checker') continue;
		node.webhookId = 'f8d2b3c4-0000-4000-a000-0000000000f2';
		Object.assign(node.parameters, { limitWaitTime: true, limitType: 'afterTimeInterval', resumeAmount: 2, resumeUnit: 'seconds' });
	}
	const main = bundledWorkflow('config-change-sync.json');
	main.id = 'mspCfgChgSyncTst';
	main.name = `${mainWorkflow.name} (2 s Wait limit)`;
	(main.nodes.find((n) => n.name === 'Review Each Change')!.parameters.workflowId as { value: string }).value = review.id;
	return { main, review };
}
const shortWait = shortWaitCopies();

test('Config Change Review maps the row after the checker answers exactly as it mapped it for Evaluate Change', () => {
	const review = bundledWorkflow('config-change-review.json');
	const node = (name: string) => review.nodes.find((n) => n.name === name)!;
	const mapping = (name: string) =>
		(node(name).parameters as { assignments: { assignments: Array<{ name: string; value: string }> } }).assignments.assignments.find((a) => a.name === 'changeRequest')!.value;
	expect(mapping('Change to Apply')).toBe(mapping('Change Request'));
	expect(node('Verify Approval').parameters.changeToApply).toBe('={{ $json.changeRequest }}');
	const connections = review.connections as Record<string, { main: Array<Array<{ node: string }>> }>;
	const next = (name: string) => connections[name].main.flat().map((c) => c.node);
	expect([next('Wait for Checker'), next('Row Now'), next('Change to Apply')]).toEqual([['Row Now'], ['Change to Apply'], ['Verify Approval']]);
});


describe.each(hostVersions())('Config Change Sync on n8n %s', (version) => {
	let n8n: N8nInstance;
	let sandbox: Sandbox;
	let started = Date.now();
	/** The waiting review executions of run 1 by change id, with the approval request each one issued. */
	const waiting = new Map<string, { executionId: string; approval: Approval }>();

	beforeAll(async () => {
		started = Date.now();
		sandbox = await startSandbox({ services: ['notion', 'supabase'] });
		n8n = await createN8nInstance(version);
		await n8n.importCredentials(sandboxCredentials(sandbox));
		// The pipeline names the bundled error logger as its Error Workflow; the review workflow is imported before
		// the workflow that calls it. Nothing is published: the run is started by hand and Wait forms need no activation.
		for (const workflow of [errorLogger, reviewWorkflow, mainWorkflow, shortWait.review, shortWait.main]) await n8n.importWorkflow(workflow);
		await n8n.startServer();
	}, 15 * 60_000);

	afterAll(async () => {
		// eslint-disable-next-line no-console
		console.log(`Config Change Sync e2e on n8n ${version}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
		await n8n?.stop();
		await sandbox?.stop();
	});

	const workspace = () => sandbox.workspace!.configChanges;
	/** The Config Changes rows by Change ID, as plain values. */
	const rows = () => new Map(sandbox.notion!.rows(workspace().dataSourceId).map((r) => [r.properties['Change ID'] as string, r.properties as Record<string, any>]));
	const pageWrites = () => {
		const s = sandbox.notion!.getStats();
		return { pages: s.pageCreates + s.pageUpdates + s.pageTrashes, all: s.writes };
	};
	/** The change_approvals audit rows of one execution, oldest first. */
	const audit = (executionId: string) =>
		sandbox.supabase!.query<{ decision: string; checker: string | null; maker: string; request_id: string | null }>(
			'select decision, checker, maker, request_id from change_approvals where execution_id = $1 order by id',
			[executionId],
		);
	const execution = (id: string) => n8n.publicApi<Execution>('GET', `/executions/${id}?includeData=true`);
	const reviewExecutionIds = async () => (await n8n.executions(reviewWorkflow.id)).map((e) => e.id);

	/** Runs the main workflow in the server and returns its finished execution. */
	async function runPipeline(workflowId = mainWorkflow.id): Promise<Execution> {
		const id = await n8n.runManually(workflowId, 'Run Now');
		const e = await n8n.finishedExecution<Execution>(id);
		expect(e.status).toBe('success');
		return e;
	}



	test('run 1: each Proposed change is decided in its own execution; approvals wait with their form link on the row', async () => {
		const seeded = workspace().proposed;
		const before = rows();
		const untouched = before.get('CHG-0999');
		expect(untouched?.Status).toBe('Approved');

		// The first two row writes meet a 503 and a 429 (Retry-After 1 s): the reviews retry them, and the rows below
		// are as if nothing had happened.
		const refused = () => ({ 503: sandbox.notion!.statusCounters.get(503) ?? 0, 429: sandbox.notion!.statusCounters.get(429) ?? 0 });
		const refusedBefore = refused();
		sandbox.notion!.scriptFaults([{ status: 503 }, { status: 429, headers: { 'retry-after': '1' } }], /^PATCH \/v1\/pages/);
		const main = await runPipeline();
		// One review execution per Proposed change, started without waiting for it.
		expect(output(main, 'Proposed Changes').map((i) => i.json['Change ID']).sort()).toEqual(seeded.map((c) => c.id).sort());
		expect(output(main, 'Review Each Change')).toHaveLength(seeded.length);
		const summary = await sandbox.supabase!.query<{ status: string; items_read: number; pipeline: string }>(
			'select status, items_read, pipeline from workflow_execution_logs where execution_id = $1',
			[main.id],
		);
		expect(summary).toEqual([{ status: 'success', items_read: seeded.length, pipeline: 'Config Change Sync' }]);

		const needsApproval = seeded.filter((c) => c.expect === 'needsApproval');
		const decidedNow = seeded.filter((c) => c.expect !== 'needsApproval');
		const all = await poll(
			'every review execution to finish or wait',
			async () => {
				const list = await n8n.executions(reviewWorkflow.id);
				const settled = list.filter((e) => ['success', 'error', 'crashed', 'waiting'].includes(e.status));
				return list.length === seeded.length && settled.length === seeded.length ? list : undefined;
			},
			120_000,
		);
		expect(all.filter((e) => e.status === 'waiting')).toHaveLength(needsApproval.length);
		expect(all.filter((e) => e.status === 'success')).toHaveLength(decidedNow.length);

		// Each waiting execution holds one change and issued one approval request.
		for (const { id } of all.filter((e) => e.status === 'waiting')) {
			const e = await execution(id);
			const [evaluated] = output(e, 'Evaluate Change', 1);
			expect(output(e, 'Evaluate Change', 1)).toHaveLength(1);
			const changeId = output(e, 'Change Request')[0].json.changeId as string;
			waiting.set(changeId, { executionId: id, approval: evaluated.json.approval as Approval });
			// One private message per checker, each with their own code.
			expect(output(e, 'Send Code to Checker (add Email or Slack)').map((i) => i.json.checker)).toEqual([BOB, CAROL]);
		}
		expect([...waiting.keys()].sort()).toEqual(needsApproval.map((c) => c.id).sort());

		const after = rows();
		for (const change of seeded) {
			const row = after.get(change.id)!;
			if (change.expect === 'approved') {
				expect([change.id, row.Status, row['Decided By'], row['Approval Link']]).toEqual([change.id, 'Approved', null, null]);
				expect(Date.parse(row['Decided At']?.start ?? row['Decided At'])).toBeGreaterThan(started - 60_000);
			} else if (change.expect === 'rejected') {
				expect([change.id, row.Status]).toEqual([change.id, 'Rejected']);
			} else {
				const { executionId, approval } = waiting.get(change.id)!;
				expect([change.id, row.Status, row['Approval Link'], row['Request ID']]).toEqual([change.id, 'Awaiting Approval', approval.formUrl, approval.requestId]);
				expect(approval.formUrl).toMatch(new RegExp(`/form-waiting/${executionId}${version === '2.8.4' ? '$' : '\\?signature='}`));
			}
		}
		expect(after.get('CHG-1002')!.Reasons).toMatch(/VLAN 1\b/);
		expect(after.get('CHG-1004')!.Reasons).toMatch(/rollback plan/i);
		expect(after.get('CHG-1003')!.Reasons).toMatch(/site/i);
		// The row decided before is left alone.
		expect(after.get('CHG-0999')).toEqual(untouched);

		// Every decision audited: one row per review execution so far.
		for (const e of all) expect((await audit(e.id)).map((r) => r.decision)).toEqual([e.status === 'waiting' ? 'needs_approval' : expect.stringMatching(/^(auto_approved|rejected)$/)]);

		// The checkers' codes went nowhere near Notion.
		const notion = JSON.stringify(sandbox.notion!.rows(workspace().dataSourceId, true));
		for (const { approval } of waiting.values()) for (const { approvalCode } of approval.checkers) expect(notion).not.toContain(approvalCode);
		expect(refused()).toEqual({ 503: refusedBefore[503] + 1, 429: refusedBefore[429] + 1 });
	}, 240_000);

	test('checkers answer through the Wait form: bob approves, carol rejects, the maker cannot approve their own change', async () => {
		expect(waiting.size).toBe(3);
		const answer = async (changeId: string, fields: { decision: string; reason?: string; code: string }) => {
			const { executionId, approval } = waiting.get(changeId)!;
			const res = await submitForm(approval.formUrl, fields);
			await res.arrayBuffer();
			expect(res.status).toBe(200);
			const e = await n8n.finishedExecution<Execution>(executionId, 120_000);
			expect(e.status).toBe('success');
			return e;
		};

		const approvedExecution = await answer('CHG-1003', { decision: 'Approve', reason: 'Change window agreed', code: codeOf(waiting.get('CHG-1003')!.approval, BOB) });
		expect(ran(approvedExecution, 'Checker Rejected Row')).toBe(false);
		const approved = rows().get('CHG-1003')!;
		expect([approved.Status, approved['Decided By']]).toEqual(['Approved', BOB]);
		expect(Date.parse(approved['Decided At']?.start ?? approved['Decided At'])).toBeGreaterThan(started - 60_000);
		expect(approved.Reasons).toContain('Change window agreed');

		await answer('CHG-1005', { decision: 'Reject', reason: 'Not during month-end close', code: codeOf(waiting.get('CHG-1005')!.approval, CAROL) });
		const rejected = rows().get('CHG-1005')!;
		expect([rejected.Status, rejected['Decided By']]).toEqual(['Rejected', CAROL]);
		expect(rejected.Reasons).toContain('Not during month-end close');

		// The maker approving with a code made for themselves: the gate refuses it and the change is not approved.
		const own = waiting.get('CHG-1006')!;
		const selfApproved = await answer('CHG-1006', { decision: 'Approve', code: checkerSignature(sandbox.credentials.gateSigningSecret, own.approval.token, MAKER) });
		expect(ran(selfApproved, 'Checker Approved Row')).toBe(false);
		const refused = rows().get('CHG-1006')!;
		expect([refused.Status, refused['Decided By']]).toEqual(['Rejected', null]);
		expect(refused.Reasons).toMatch(/made this change and cannot approve it/);

		for (const [changeId, checker, decision] of [
			['CHG-1003', BOB, 'approved'],
			['CHG-1005', CAROL, 'rejected'],
			['CHG-1006', MAKER, 'rejected'],
		] as const) {
			const { executionId, approval } = waiting.get(changeId)!;
			expect((await audit(executionId)).map((r) => [r.decision, r.checker, r.request_id])).toEqual([
				['needs_approval', null, approval.requestId],
				[decision, checker, approval.requestId],
			]);
		}
		expect((await n8n.executions(reviewWorkflow.id, 'waiting')).length).toBe(0);

		const notion = JSON.stringify(sandbox.notion!.rows(workspace().dataSourceId, true));
		for (const { approval } of waiting.values()) for (const { approvalCode } of approval.checkers) expect(notion).not.toContain(approvalCode);
	}, 240_000);

	test('a change edited in Notion while it waits is not approved by a valid checker; nor is one deleted while it waits', async () => {
		const like = rows().get('CHG-1003')!;
		const change = (id: string, description: string) => ({ Change: description, 'Change ID': id, Maker: MAKER, Status: 'Proposed', 'Change Type': 'wifi', Risk: 'LOW', Sites: like.Sites });
		const [editedPage, deletedPage] = sandbox.notion!.seedRows(workspace().dataSourceId, [
			change('CHG-1101', 'Guest WiFi captive portal at twelve sites'),
			change('CHG-1102', 'Guest WiFi session timeout at twelve sites'),
		]);
		const before = await reviewExecutionIds();
		await runPipeline();
		const fresh = await poll(
			'both new review executions to wait',
			async () => {
				const list = (await n8n.executions(reviewWorkflow.id)).filter((e) => !before.includes(e.id));
				return list.length === 2 && list.every((e) => e.status === 'waiting') ? list : undefined;
			},
			120_000,
		);
		const waitingFor = new Map<string, { executionId: string; approval: Approval }>();
		for (const { id } of fresh) {
			const e = await execution(id);
			waitingFor.set(output(e, 'Change Request')[0].json.changeId as string, { executionId: id, approval: output(e, 'Evaluate Change', 1)[0].json.approval as Approval });
		}
		expect([...waitingFor.keys()].sort()).toEqual(['CHG-1101', 'CHG-1102']);
		for (const [changeId, { approval }] of waitingFor) expect([changeId, rows().get(changeId)!.Status, rows().get(changeId)!['Approval Link']]).toEqual([changeId, 'Awaiting Approval', approval.formUrl]);

		// While they wait, the maker adds a site to CHG-1101 and deletes CHG-1102, in Notion.
		const patch = (pageId: string, body: Record<string, unknown>) =>
			fetch(`${sandbox.urls.notion}/v1/pages/${pageId}`, {
				method: 'PATCH',
				headers: { authorization: `Bearer ${sandbox.credentials.notionToken}`, 'notion-version': '2025-09-03', 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});
		const editedSites = `${like.Sites as string}, site-extra-01`;
		expect((await patch(editedPage, { properties: { Sites: { rich_text: [{ text: { content: editedSites } }] } } })).status).toBe(200);
		expect((await patch(deletedPage, { in_trash: true })).status).toBe(200);

		// bob approves both with his own code, as he would have for the change he was shown.
		const approve = async (changeId: string) => {
			const { executionId, approval } = waitingFor.get(changeId)!;
			const res = await submitForm(approval.formUrl, { decision: 'Approve', reason: 'Looks fine', code: codeOf(approval, BOB) });
			await res.arrayBuffer();
			expect(res.status).toBe(200);
			const e = await n8n.finishedExecution<Execution>(executionId, 120_000);
			expect(e.status).toBe('success');
			expect(ran(e, 'Checker Approved Row')).toBe(false);
			expect(output(e, 'Verify Approval', 0)).toEqual([]);
			return output(e, 'Verify Approval', 1)[0].json;
		};
		const reasonsOf = async (executionId: string) =>
			(
				await sandbox.supabase!.query<{ decision: string; checker: string | null; reasons: Array<{ code: string }> }>(
					'select decision, checker, reasons from change_approvals where execution_id = $1 order by id',
					[executionId],
				)
			).map((r) => [r.decision, r.reasons.map((reason) => reason.code)]);

		const edited = await approve('CHG-1101');
		expect(edited.reasons.map((r: { code: string }) => r.code)).toContain('changeHashMismatch');
		expect(edited.changeRequest.sites).toContain('site-extra-01');
		const editedRow = rows().get('CHG-1101')!;
		expect([editedRow.Status, editedRow['Decided By'], editedRow.Sites]).toEqual(['Rejected', null, editedSites]);
		expect(Date.parse(editedRow['Decided At']?.start ?? editedRow['Decided At'])).toBeGreaterThan(started - 60_000);
		const editedAudit = await reasonsOf(waitingFor.get('CHG-1101')!.executionId);
		expect(editedAudit.map(([decision]) => decision)).toEqual(['needs_approval', 'rejected']);
		expect(editedAudit[1][1]).toContain('changeHashMismatch');
		expect(editedAudit[1][1]).not.toContain('checkerApproved');

		// The deleted row cannot be read again: the gate cannot read an empty change, so nothing is approved.
		const deleted = await approve('CHG-1102');
		expect(deleted.decision).toBe('rejected');
		expect((await reasonsOf(waitingFor.get('CHG-1102')!.executionId)).map(([decision]) => decision)).toEqual(['needs_approval', 'rejected']);
		const deletedRows = sandbox.notion!.rows(workspace().dataSourceId, true).filter((r) => r.properties['Change ID'] === 'CHG-1102');
		expect(deletedRows.find((r) => r.pageId === deletedPage)?.in_trash).toBe(true);
		for (const r of deletedRows) expect(r.properties.Status).not.toBe('Approved');

		expect((await n8n.executions(reviewWorkflow.id, 'waiting')).length).toBe(0);
	}, 240_000);

	test('a re-run with nothing Proposed writes nothing to Notion and starts no review', async () => {
		const reviewsBefore = await reviewExecutionIds();
		const writesBefore = pageWrites();
		const main = await runPipeline();
		expect(output(main, 'Proposed Changes').filter((i) => i.json['Change ID'])).toEqual([]);
		expect(ran(main, 'Review Each Change')).toBe(false);
		expect(ran(main, 'Log Run Summary')).toBe(true);
		expect(pageWrites()).toEqual(writesBefore);
		// Give a wrongly started sub-execution time to show up.
		await new Promise((r) => setTimeout(r, 2000));
		expect((await reviewExecutionIds()).sort()).toEqual(reviewsBefore.sort());
		const summary = await sandbox.supabase!.query<{ items_read: number }>('select items_read from workflow_execution_logs where execution_id = $1', [main.id]);
		expect(summary).toEqual([{ items_read: 0 }]);
	}, 120_000);

	test('a change nobody answers before the Wait limit is marked Expired', async () => {
		const like = rows().get('CHG-1003')!;
		sandbox.notion!.seedRows(workspace().dataSourceId, [
			{ Change: 'Guest WiFi rate limit at twelve sites', 'Change ID': 'CHG-1100', Maker: MAKER, Status: 'Proposed', 'Change Type': 'wifi', Risk: 'LOW', Sites: like.Sites },
		]);
		await runPipeline(shortWait.main.id);
		const [{ id }] = await poll('the review execution', async () => {
			const list = await n8n.executions(shortWait.review.id);
			return list.length ? list : undefined;
		});
		// n8n's wait tracker looks for due executions every 60 s.
		const e = await n8n.finishedExecution<Execution>(id, 150_000);
		expect(e.status).toBe('success');
		const expired = rows().get('CHG-1100')!;
		expect([expired.Status, expired['Decided By']]).toEqual(['Expired', null]);
		expect(expired.Reasons).toBeTruthy();
		expect((await audit(id)).map((r) => [r.decision, r.checker])).toEqual([
			['needs_approval', null],
			['rejected', null],
		]);
	}, 200_000);
});
