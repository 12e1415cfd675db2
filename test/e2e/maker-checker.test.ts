/**
 * The Maker/Checker Gate in real n8n (`n8n start`): a webhook-started change that needs a checker waits at a Wait
 * node's form; the checker's answer (Decision, Reason, Approval Code) resumes it and Verify Approval decides between
 * Apply Change and Change Rejected. One n8n instance per host; the workflow is test/e2e/workflows/maker-checker.json,
 * plus two copies of it with a tiny approval validity and a short Wait limit.
 */
import { randomBytes } from 'node:crypto';
import { checkerSignature } from '../../lib/gate';
import { startSandbox, type Sandbox } from '../sandbox';
import { BOB, CAROL, MAKER, codeOf, codesOf, gateCredential, gateTestWorkflow, gateWorkflowVariant, output, ran, submitForm, type Approval, type Execution, type Item } from './approvals';
import { createN8nInstance, hostVersions, poll, type N8nInstance } from './harness';
import { sandboxCredentials } from './sandboxCredentials';

const SECRET = randomBytes(32).toString('hex');
const CREDENTIAL = gateCredential(SECRET);

const mainWorkflow = gateTestWorkflow();
const expiringWorkflow = gateWorkflowVariant('mcGateExpiry0001', 'c2', 'maker-checker-expiry', (node) => {
	// About one second to answer.
	if (node.name === 'Evaluate Change') node.parameters.options = { approvalValidForHours: 0.0003 };
});
const timeoutWorkflow = gateWorkflowVariant('mcGateTimeout001', 'c3', 'maker-checker-timeout', (node) => {
	if (node.name === 'Wait for Checker') Object.assign(node.parameters, { limitWaitTime: true, limitType: 'afterTimeInterval', resumeAmount: 2, resumeUnit: 'seconds' });
});

const sites = (n: number) => Array.from({ length: n }, (_, i) => `site-${String(i + 1).padStart(2, '0')}`);
const bulkChange = (over: Record<string, unknown> = {}) => ({ maker: MAKER, sites: sites(12), changeType: 'vlan', risk: 'MEDIUM', description: 'VLAN 30 for cameras', vlanIds: [30], ...over });


describe.each(hostVersions())('Maker/Checker Gate on n8n %s', (version) => {
	let n8n: N8nInstance;
	// The gate nodes log every decision to the sandbox's Supabase (change_approvals).
	let sandbox: Sandbox;
	const seen = new Set<string>();
	let started = Date.now();

	beforeAll(async () => {
		started = Date.now();
		sandbox = await startSandbox({ services: ['supabase'] });
		n8n = await createN8nInstance(version);
		await n8n.importCredentials([CREDENTIAL, ...sandboxCredentials(sandbox).filter((c) => c.id !== CREDENTIAL.id)]);
		for (const workflow of [mainWorkflow, expiringWorkflow, timeoutWorkflow]) {
			await n8n.importWorkflow(workflow);
			// Published before the server starts, so their webhooks are registered at startup.
			await n8n.publishWorkflow(workflow.id);
		}
		await n8n.startServer();
	}, 15 * 60_000);

	afterAll(async () => {
		// eslint-disable-next-line no-console
		console.log(`Maker/Checker Gate e2e on n8n ${version}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
		await n8n?.stop();
		await sandbox?.stop();
	});

	/** The change_approvals audit rows of one execution, oldest first. */
	const audit = (id: string) =>
		sandbox.supabase!.query<{ decision: string; checker: string | null; maker: string; request_id: string | null; reasons: Array<{ code: string }> }>(
			'select decision, checker, maker, request_id, reasons from change_approvals where execution_id = $1 order by id',
			[id],
		);
	/** Decisions, and the reason codes of the last one. */
	const audited = async (id: string) => {
		const rows = await audit(id);
		return { decisions: rows.map((r) => r.decision), lastCodes: (rows.at(-1)?.reasons ?? []).map((r) => r.code), rows };
	};

	/** POST a change to a workflow's webhook and return the id of the execution it started. */
	async function submitChange(workflowId: string, webhookPath: string, body: Record<string, unknown>): Promise<string> {
		const before = new Set((await n8n.executions(workflowId)).map((e) => e.id));
		// 2.41 registers the webhooks of published workflows shortly after the server reports ready: retry a 404.
		const res = await poll('the webhook to be registered', async () => {
			const r = await n8n.request(`/webhook/${webhookPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
			return r.status === 404 ? undefined : r;
		});
		expect(res.status).toBe(200);
		const id = await poll('the new execution', async () => (await n8n.executions(workflowId)).map((e) => e.id).find((e) => !before.has(e) && !seen.has(e)));
		seen.add(id);
		return id;
	}

	const execution = (id: string) => n8n.publicApi<Execution>('GET', `/executions/${id}?includeData=true`);
	const finished = (id: string, timeoutMs = 60_000) => n8n.finishedExecution<Execution>(id, timeoutMs);

	/** The waiting execution's approval request, as Evaluate Change put it on its Needs Approval output. */
	async function waitingApproval(id: string): Promise<{ approval: Approval; evaluated: Item }> {
		const e = await poll(`execution ${id} to wait`, async () => {
			const current = await execution(id);
			return current.status === 'waiting' ? current : undefined;
		});
		const [evaluated] = output(e, 'Evaluate Change', 1);
		expect(evaluated?.json.decision).toBe('needsApproval');
		return { approval: evaluated.json.approval as Approval, evaluated };
	}



	/** Ended in Change Rejected with `code` among the reasons, never in Apply Change. */
	async function expectRejected(id: string, code: string): Promise<Item> {
		const e = await finished(id);
		expect(e.status).toBe('success');
		expect(ran(e, 'Apply Change')).toBe(false);
		const [rejected] = output(e, 'Change Rejected');
		expect(codesOf(rejected)).toContain(code);
		return rejected;
	}

	// Started first: the Wait limit of 2 s is noticed by n8n's wait tracker, which looks every 60 s.
	let timedOut: Promise<string> | undefined;
	beforeAll(() => {
		timedOut = submitChange(timeoutWorkflow.id, 'maker-checker-timeout', { change: bulkChange() });
		timedOut.catch(() => undefined);
	});

	test('a small change is approved without a checker and applied; a reserved VLAN is rejected', async () => {
		const approvedId = await submitChange(mainWorkflow.id, 'maker-checker-change', { change: bulkChange({ sites: sites(3) }) });
		const approved = await finished(approvedId);
		expect(approved.status).toBe('success');
		expect(codesOf(output(approved, 'Apply Change')[0])).toEqual(['autoApproved']);
		expect(ran(approved, 'Wait for Checker')).toBe(false);
		expect((await audited(approvedId)).decisions).toEqual(['auto_approved']);

		const rejectedId = await submitChange(mainWorkflow.id, 'maker-checker-change', { change: bulkChange({ sites: sites(3), vlanIds: [1] }) });
		await expectRejected(rejectedId, 'reservedVlan');
		expect(await audited(rejectedId)).toMatchObject({ decisions: ['rejected'], lastCodes: ['reservedVlan'] });
	});

	test('a 12-site change waits; the form shows the summary; a checker approves with their code; the change is applied', async () => {
		const id = await submitChange(mainWorkflow.id, 'maker-checker-change', { change: bulkChange() });
		const { approval, evaluated } = await waitingApproval(id);
		expect(codesOf(evaluated)).toEqual(['bulkChange']);
		expect(approval.checkers.map((c) => c.checker)).toEqual([BOB, CAROL]);
		expect(approval.formUrl).toMatch(new RegExp(`/form-waiting/${id}${version === '2.8.4' ? '$' : '\\?signature='}`));

		const page = await fetch(approval.formUrl, { signal: AbortSignal.timeout(30_000) });
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toContain('Approve a network change');
		expect(html).toContain('Sites (12): site-01, site-02, site-03, site-04, site-05 and 7 more');
		expect(html).toContain('requested by alice@msp.example');
		for (const field of ['field-0', 'field-1', 'field-2']) expect(html).toContain(`name='${field}'`);

		const answered = await submitForm(approval.formUrl, { decision: 'Approve', reason: 'Change window agreed', code: codeOf(approval, CAROL) });
		expect(answered.status).toBe(200);
		const e = await finished(id);
		expect(e.status).toBe('success');
		expect(ran(e, 'Change Rejected')).toBe(false);
		const [applied] = output(e, 'Apply Change');
		expect(applied.json).toMatchObject({ decision: 'approved', checker: CAROL, maker: MAKER, checkerReason: 'Change window agreed', changeHash: evaluated.json.changeHash });
		expect(JSON.stringify(e)).not.toContain(SECRET);
		const { rows } = await audited(id);
		expect(rows.map((r) => [r.decision, r.checker, r.maker, r.request_id])).toEqual([
			['needs_approval', null, MAKER, approval.requestId],
			['approved', CAROL, MAKER, approval.requestId],
		]);

		// The same form sent again (by the other checker) does not resume the finished execution.
		const again = await submitForm(approval.formUrl, { decision: 'Approve', code: codeOf(approval, BOB) });
		await again.arrayBuffer();
		const after = await execution(id);
		expect(after.data?.resultData?.runData?.['Verify Approval']).toHaveLength(1);
		expect(output(after, 'Apply Change')).toHaveLength(1);
	});

	test('self-approval: a code made for the maker is rejected (selfApproval)', async () => {
		const id = await submitChange(mainWorkflow.id, 'maker-checker-change', { change: bulkChange() });
		const { approval } = await waitingApproval(id);
		expect((await submitForm(approval.formUrl, { decision: 'Approve', code: checkerSignature(SECRET, approval.token, MAKER) })).status).toBe(200);
		const rejected = await expectRejected(id, 'selfApproval');
		expect(rejected.json.checker).toBe(MAKER);
		expect(await audited(id)).toMatchObject({ decisions: ['needs_approval', 'rejected'], lastCodes: expect.arrayContaining(['selfApproval']) });
	});

	test('an edited change: the change to apply is not the one approved (changeHashMismatch)', async () => {
		const id = await submitChange(mainWorkflow.id, 'maker-checker-change', { change: bulkChange(), applyChange: bulkChange({ sites: sites(13) }) });
		const { approval } = await waitingApproval(id);
		expect((await submitForm(approval.formUrl, { decision: 'Approve', code: codeOf(approval, BOB) })).status).toBe(200);
		await expectRejected(id, 'changeHashMismatch');
		expect(await audited(id)).toMatchObject({ decisions: ['needs_approval', 'rejected'], lastCodes: expect.arrayContaining(['changeHashMismatch']) });
	});

	test('a code replayed from another execution does not fit (checkerSignatureInvalid)', async () => {
		const first = await submitChange(mainWorkflow.id, 'maker-checker-change', { change: bulkChange() });
		const second = await submitChange(mainWorkflow.id, 'maker-checker-change', { change: bulkChange() });
		const [{ approval: a }, { approval: b }] = await Promise.all([waitingApproval(first), waitingApproval(second)]);
		expect((await submitForm(b.formUrl, { decision: 'Approve', code: codeOf(a, BOB) })).status).toBe(200);
		await expectRejected(second, 'checkerSignatureInvalid');
		expect(await audited(second)).toMatchObject({ decisions: ['needs_approval', 'rejected'], lastCodes: expect.arrayContaining(['checkerSignatureInvalid']) });
		// The first one is still open and decided by its own code: reject it to finish it.
		expect((await submitForm(a.formUrl, { decision: 'Reject', reason: 'Duplicate request', code: codeOf(a, BOB) })).status).toBe(200);
		await expectRejected(first, 'checkerRejected');
		expect(await audited(first)).toMatchObject({ decisions: ['needs_approval', 'rejected'], lastCodes: ['checkerRejected'] });
	});

	test('a forged approval code is rejected by the gate (and on 2.41 a form post without n8n\'s signature is refused by n8n)', async () => {
		const id = await submitChange(mainWorkflow.id, 'maker-checker-change', { change: bulkChange() });
		const { approval } = await waitingApproval(id);
		if (version !== '2.8.4') {
			const unsigned = approval.formUrl.replace(/\?.*$/, '');
			expect((await submitForm(unsigned, { decision: 'Approve', code: codeOf(approval, BOB) })).status).toBe(401);
			expect((await submitForm(`${unsigned}?signature=${'0'.repeat(64)}`, { decision: 'Approve', code: codeOf(approval, BOB) })).status).toBe(401);
			const webhook = await fetch(approval.webhookUrl.replace(/\?.*$/, ''), { method: 'POST', signal: AbortSignal.timeout(30_000) });
			expect(webhook.status).toBe(401);
			expect((await execution(id)).status).toBe('waiting');
		}
		const forged = randomBytes(32).toString('base64url');
		expect((await submitForm(approval.formUrl, { decision: 'Approve', code: forged })).status).toBe(200);
		await expectRejected(id, 'checkerSignatureInvalid');
		expect(await audited(id)).toMatchObject({ decisions: ['needs_approval', 'rejected'], lastCodes: expect.arrayContaining(['checkerSignatureInvalid']) });
	});

	test('an approval after the request expired is rejected (expired)', async () => {
		const id = await submitChange(expiringWorkflow.id, 'maker-checker-expiry', { change: bulkChange() });
		const { approval } = await waitingApproval(id);
		await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(approval.expiresAt) - Date.now()) + 1500));
		expect((await submitForm(approval.formUrl, { decision: 'Approve', code: codeOf(approval, BOB) })).status).toBe(200);
		await expectRejected(id, 'expired');
		expect(await audited(id)).toMatchObject({ decisions: ['needs_approval', 'rejected'], lastCodes: expect.arrayContaining(['expired']) });
	});

	test('a Wait that times out is a rejection (noDecision)', async () => {
		const id = await timedOut!;
		const rejected = await poll('the timed-out execution to finish', async () => {
			const e = await execution(id);
			return ['success', 'error', 'crashed'].includes(e.status) ? e : undefined;
		}, 150_000);
		expect(rejected.status).toBe('success');
		expect(ran(rejected, 'Apply Change')).toBe(false);
		expect(codesOf(output(rejected, 'Change Rejected')[0])).toEqual(['noDecision']);
		expect(await audited(id)).toMatchObject({ decisions: ['needs_approval', 'rejected'], lastCodes: ['noDecision'] });
	}, 200_000);
});
