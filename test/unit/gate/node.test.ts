import { randomUUID } from 'node:crypto';
import { NodeHelpers, NodeOperationError, Workflow, type IDataObject, type INode, type INodeExecutionData, type INodeTypes } from 'n8n-workflow';
import { DEFAULT_DOMAIN_CONFIG } from '../../../lib/config';
import { changeHash, checkerSignature, signApprovalRequest, verifyApprovalRequest, verifyCheckerSignature, type ChangeRequestInput } from '../../../lib/gate';
import { MakerCheckerGate } from '../../../nodes/MakerCheckerGate/MakerCheckerGate.node';
import { opsLogCredential } from '../../../nodes/shared/opsLog';
import { startSandbox, type Sandbox } from '../../sandbox';
import { LOCAL_DATABASE_URL } from '../../sandbox/supabase';
import { fakeExecute, type FakeExecuteOptions } from '../unifi/fakeExecute';
import { OTHER_SECRET, SECRET } from './tokens';

/**
 * The Maker/Checker Gate node in-process: outputs per operation, every decision on the right output with its reason
 * codes, the approval request and codes of a Needs Approval item, Verify Approval against forgeries and replays, and
 * the change_approvals audit in a real Supabase emulator (single use of an approval request).
 */

const gate = new MakerCheckerGate();
const MAKER = 'alice@msp.example';
const BOB = 'bob@msp.example';
const CAROL = 'carol@msp.example';
const credentials = (over: Record<string, unknown> = {}) => ({ mspMakerCheckerApi: { signingSecret: SECRET, checkers: `${BOB}, ${CAROL}`, ...over } });

const sites = (n: number) => Array.from({ length: n }, (_, i) => `site-${String(i + 1).padStart(2, '0')}`);
const change = (over: Partial<ChangeRequestInput> = {}): ChangeRequestInput => ({
	maker: MAKER,
	sites: sites(2),
	changeType: 'vlan',
	risk: 'LOW',
	description: 'Add VLAN 30 for cameras',
	vlanIds: [30],
	...over,
});

type Options = Omit<FakeExecuteOptions, 'credentials'> & { credentials?: FakeExecuteOptions['credentials'] };

/** fakeExecute plus evaluateExpression for the two resume URLs n8n gives a waiting execution. */
function context(options: Options) {
	const run = fakeExecute({ credentials: credentials(), ...options });
	const executionId = options.executionId ?? 'exec-unit-1';
	// An expression that resolves to undefined (a form field that is not there) gives undefined, as in n8n.
	const getNodeParameter = run.ctx.getNodeParameter.bind(run.ctx) as (...args: unknown[]) => unknown;
	const paramsOf = (i: number) => (Array.isArray(options.params) ? options.params[i] : options.params);
	Object.assign(run.ctx, {
		getNodeParameter: (name: string, i: number, ...rest: unknown[]) => {
			const params = paramsOf(i);
			if (params && name in params && params[name] === undefined) return undefined;
			return getNodeParameter(name, i, ...rest);
		},
		evaluateExpression: (expression: string) => {
			if (expression.includes('$execution.resumeFormUrl')) return `http://n8n.test/form-waiting/${executionId}`;
			if (expression.includes('$execution.resumeUrl')) return `http://n8n.test/webhook-waiting/${executionId}`;
			throw new Error(`unexpected expression ${expression}`);
		},
	});
	return run;
}

async function run(options: Options): Promise<INodeExecutionData[][]> {
	const { ctx } = context(options);
	return (await gate.execute!.call(ctx)) as INodeExecutionData[][];
}

const evaluate = (changeRequest: unknown, options: IDataObject = {}, extra: Partial<Options> = {}) =>
	run({ params: { operation: 'evaluate', changeRequest, options, opsLog: false }, ...extra });

/** Output index and json of the single item of a run. */
function single(outputs: INodeExecutionData[][]): { output: number; json: IDataObject } {
	const found = outputs.flatMap((items, output) => items.map((item) => ({ output, json: item.json })));
	expect(found).toHaveLength(1);
	return found[0];
}
const codes = (json: IDataObject) => (json.reasons as Array<{ code: string }>).map((reason) => reason.code);

/** The Needs Approval item for a change, as a workflow sends it to the checkers. */
async function requestApproval(changeRequest: ChangeRequestInput, extra: Partial<Options> = {}) {
	const { output, json } = single(await evaluate(changeRequest, {}, extra));
	expect(output).toBe(1);
	const approval = json.approval as { token: string; requestId: string; expiresAt: string; checkers: Array<{ checker: string; approvalCode: string }> };
	const code = (checker: string) => approval.checkers.find((entry) => entry.checker === checker)!.approvalCode;
	return { json, approval, code };
}

const verifyParams = (over: IDataObject) => ({
	operation: 'verifyApproval',
	approvalToken: undefined,
	changeToApply: undefined,
	decision: undefined,
	reason: undefined,
	approvalCode: undefined,
	checker: '',
	opsLog: false,
	...over,
});
const verify = (over: IDataObject, extra: Partial<Options> = {}) => run({ params: verifyParams(over), ...extra });

describe('Maker/Checker Gate: description', () => {
	const node = (operation?: string): INode => ({
		id: 'gate',
		name: 'Gate',
		type: 'n8n-nodes-msp-ops.makerCheckerGate',
		typeVersion: 1,
		position: [0, 0],
		parameters: operation ? { operation } : {},
	});
	/** The outputs as n8n computes them: the description's expression, evaluated on the node's parameters. */
	function outputsOf(operation?: string): string[] {
		const nodeTypes: INodeTypes = {
			getByName: () => gate,
			getByNameAndVersion: () => gate,
			getKnownTypes: () => ({}),
		};
		const n = node(operation);
		const workflow = new Workflow({ nodes: [n], connections: {}, active: false, nodeTypes });
		return (NodeHelpers.getNodeOutputs(workflow, workflow.getNode('Gate')!, gate.description) as Array<{ displayName: string }>).map((o) => o.displayName);
	}

	test('three outputs for both evaluations, two for Verify Approval (Evaluate Change by default)', () => {
		expect(outputsOf('evaluate')).toEqual(['Approved', 'Needs Approval', 'Rejected']);
		expect(outputsOf('evaluatePromotion')).toEqual(['Approved', 'Needs Approval', 'Rejected']);
		expect(outputsOf('verifyApproval')).toEqual(['Approved', 'Rejected']);
		expect(outputsOf()).toEqual(['Approved', 'Needs Approval', 'Rejected']);
	});

	test('the gate credential always, n8n\'s Supabase credential only with Log to Supabase; not an AI tool', () => {
		expect(gate.description.credentials).toEqual([{ name: 'mspMakerCheckerApi', required: true, testedBy: 'testGateCredential' }, opsLogCredential]);
		expect(gate.description.usableAsTool).toBeUndefined();
		expect(gate.description.properties.find((p) => p.name === 'opsLog')).toMatchObject({ type: 'boolean', default: false });
	});

	test('the option defaults shown are lib/config\'s defaults', () => {
		const options = gate.description.properties.find((p) => p.name === 'options')!.options as Array<{ name: string; default: unknown }>;
		const byName = Object.fromEntries(options.map((o) => [o.name, o.default]));
		expect(byName).toEqual({
			approvalValidForHours: 24,
			approvalRequiredFor: DEFAULT_DOMAIN_CONFIG.approvalRequiredFor,
			bulkSiteThreshold: DEFAULT_DOMAIN_CONFIG.bulkSiteThreshold,
			reservedVlans: DEFAULT_DOMAIN_CONFIG.reservedVlans.join(', '),
			rollbackRequiredFor: DEFAULT_DOMAIN_CONFIG.rollbackRequiredFor,
		});
	});

	test('Verify Approval reads the Wait node\'s form fields and the Evaluate Change item by default', () => {
		const defaults = Object.fromEntries(gate.description.properties.filter((p) => p.displayOptions?.show?.operation?.includes('verifyApproval')).map((p) => [p.name, p.default]));
		expect(defaults).toEqual({
			approvalToken: "={{ $('Evaluate Change').item.json.approval.token }}",
			changeToApply: "={{ $('Evaluate Change').item.json.changeRequest }}",
			decision: '={{ $json.Decision }}',
			reason: '={{ $json.Reason }}',
			approvalCode: "={{ $json['Approval Code'] }}",
			checker: '',
		});
	});
});

describe('Maker/Checker Gate: Evaluate Change', () => {
	test('10 sites: Approved (autoApproved), with the hash, the summary and the change as read', async () => {
		const request = change({ sites: sites(10) });
		const { output, json } = single(await evaluate(request));
		expect(output).toBe(0);
		expect(codes(json)).toEqual(['autoApproved']);
		expect(json).toMatchObject({ decision: 'approved', changeHash: changeHash(request as never), changeRequest: request });
		expect(String(json.summary)).toMatch(/^Change: vlan, risk LOW, requested by alice@msp.example\nSites \(10\)/);
		expect(json.approval).toBeUndefined();
	});

	test('11 sites: Needs Approval (bulkChange) with a signed approval request and one code per checker', async () => {
		const before = Date.now();
		const request = change({ sites: sites(11) });
		const { json, approval, code } = await requestApproval(request, { executionId: 'exec-77' });
		expect(codes(json)).toEqual(['bulkChange']);
		expect(json.decision).toBe('needsApproval');
		expect(approval).toEqual({
			token: expect.stringMatching(/^[\w-]+\.[\w-]+$/),
			expiresAt: expect.any(String),
			requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
			formUrl: 'http://n8n.test/form-waiting/exec-77',
			webhookUrl: 'http://n8n.test/webhook-waiting/exec-77',
			checkers: [
				{ checker: BOB, approvalCode: expect.any(String) },
				{ checker: CAROL, approvalCode: expect.any(String) },
			],
		});
		const signed = verifyApprovalRequest(approval.token, SECRET);
		expect(signed.ok && signed.payload).toEqual({
			v: 1,
			changeHash: changeHash(request as never),
			maker: MAKER,
			checkers: [BOB, CAROL],
			executionId: 'exec-77',
			expiresAt: approval.expiresAt,
			nonce: approval.requestId,
		});
		const validFor = Date.parse(approval.expiresAt) - before;
		expect(validFor).toBeGreaterThanOrEqual(24 * 3_600_000 - 1000);
		expect(validFor).toBeLessThan(24 * 3_600_000 + 5000);
		expect(verifyCheckerSignature(SECRET, approval.token, BOB, code(BOB))).toBe(true);
		expect(verifyCheckerSignature(SECRET, approval.token, CAROL, code(CAROL))).toBe(true);
		expect(code(BOB)).not.toBe(code(CAROL));
	});

	test('Approval Valid For (Hours) sets the expiry; a value of 0 or less is an error naming the option', async () => {
		const { json } = single(await evaluate(change({ risk: 'HIGH', rollbackPlan: 'Remove VLAN 30' }), { approvalValidForHours: 0.5 }));
		const approval = json.approval as { expiresAt: string };
		expect(Date.parse(approval.expiresAt) - Date.now()).toBeLessThanOrEqual(30 * 60_000);
		expect(Date.parse(approval.expiresAt) - Date.now()).toBeGreaterThan(29 * 60_000);
		const error = await evaluate(change(), { approvalValidForHours: 0 }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toBe("Invalid option 'Approval Valid For (Hours)' (item 0): approvalValidForHours: expected a number of hours above 0 and at most 8784 (366 days), received 0");
	});

	test.each([
		[[1], ['reservedVlan']],
		[[4095], ['reservedVlan']],
		[[0], ['vlanOutOfRange']],
		[[2, 4094], []],
	])('VLANs %j through the node: %j', async (vlanIds, expected) => {
		const { output, json } = single(await evaluate(change({ vlanIds })));
		if (expected.length === 0) {
			expect([output, codes(json)]).toEqual([0, ['autoApproved']]);
		} else {
			expect([output, codes(json)]).toEqual([2, expected]);
		}
	});

	test('HIGH risk: Rejected without a rollback plan (rollbackPlanMissing), Needs Approval with one (riskNeedsApproval)', async () => {
		const rejected = single(await evaluate(change({ risk: 'HIGH' })));
		expect([rejected.output, codes(rejected.json)]).toEqual([2, ['rollbackPlanMissing']]);
		const needs = single(await evaluate(change({ risk: 'HIGH', rollbackPlan: 'Remove VLAN 30' })));
		expect([needs.output, codes(needs.json)]).toEqual([1, ['riskNeedsApproval']]);
	});

	test('every broken rule at once; an unknown field is malformed (it cannot skip a rule)', async () => {
		const { output, json } = single(await evaluate({ ...change({ risk: 'CRITICAL', vlanIds: [1, 5000] }), vlanID: 7 }));
		expect(output).toBe(2);
		expect(codes(json).sort()).toEqual(['malformed', 'reservedVlan', 'rollbackPlanMissing', 'vlanOutOfRange']);
		expect(json.changeHash).toBeUndefined();
		expect(json.changeRequest).toMatchObject({ vlanID: 7 });
	});

	test('JSON text is read like an object; text that is not JSON is a malformed rejection naming the parameter', async () => {
		const fromText = single(await evaluate(JSON.stringify(change())));
		expect([fromText.output, codes(fromText.json)]).toEqual([0, ['autoApproved']]);
		const broken = single(await evaluate('{"maker": "alice@msp.example", '));
		expect(broken.output).toBe(2);
		expect(broken.json.reasons).toEqual([{ code: 'malformed', field: 'changeRequest', message: expect.stringMatching(/^Invalid Change Request: the parameter 'Change Request' is text that is not JSON/) }]);
	});

	test('options override the defaults: threshold 20 approves 11 sites, no reserved VLANs approves VLAN 1, LOW may need approval', async () => {
		expect(single(await evaluate(change({ sites: sites(11) }), { bulkSiteThreshold: 20 })).output).toBe(0);
		expect(single(await evaluate(change({ vlanIds: [1] }), { reservedVlans: '' })).output).toBe(0);
		expect(single(await evaluate(change({ vlanIds: [30] }), { reservedVlans: '30, 40' })).output).toBe(2);
		const low = single(await evaluate(change(), { approvalRequiredFor: ['LOW'] }));
		expect([low.output, codes(low.json)]).toEqual([1, ['riskNeedsApproval']]);
		const error = await evaluate(change(), { reservedVlans: '1, ten' }).catch((e: unknown) => e);
		expect((error as Error).message).toMatch(/^Invalid option 'Reserved VLANs' \(item 0\): \[1\]: expected number, received "ten"/);
	});

	test('several items: each on its output, paired with its input item', async () => {
		const outputs = await run({
			params: [
				{ operation: 'evaluate', changeRequest: change({ sites: sites(11) }), options: {} },
				{ operation: 'evaluate', changeRequest: change({ vlanIds: [1] }), options: {} },
				{ operation: 'evaluate', changeRequest: change(), options: {} },
			],
		});
		expect(outputs.map((items) => items.map((item) => item.pairedItem))).toEqual([[{ item: 2 }], [{ item: 0 }], [{ item: 1 }]]);
	});

	test('the maker is never a checker, even when the credential lists them', async () => {
		const { approval } = await requestApproval(change({ sites: sites(12), maker: 'Bob@MSP.example' }), { credentials: credentials({ checkers: `${BOB}\n${CAROL}\n${MAKER}` }) });
		expect(approval.checkers.map((c) => c.checker)).toEqual([CAROL, MAKER]);
	});

	test('no checker but the maker: a Needs Approval item is an error saying what to fix; other items still pass', async () => {
		const onlyMaker = credentials({ checkers: MAKER });
		const error = await evaluate(change({ sites: sites(11) }), {}, { credentials: onlyMaker }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toBe(
			"Item 0 needs a checker's approval, but the Maker/Checker Gate credential's Checkers list lists only the maker (alice@msp.example); add the email address of at least one other person who may approve changes",
		);
		expect(single(await evaluate(change(), {}, { credentials: onlyMaker })).output).toBe(0);
		const empty = await evaluate(change({ sites: sites(11) }), {}, { credentials: credentials({ checkers: ' ' }) }).catch((e: unknown) => e);
		expect((empty as Error).message).toMatch(/Checkers list lists no checker; add the email address/);
	});

	test('Continue On Fail: the failed item is an error item on Rejected (never Approved), paired; the others are decided', async () => {
		const outputs = await run({
			params: [
				{ operation: 'evaluate', changeRequest: change({ sites: sites(11) }), options: {} },
				{ operation: 'evaluate', changeRequest: change(), options: {} },
			],
			credentials: credentials({ checkers: MAKER }),
			continueOnFail: true,
		});
		expect(outputs[0].map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		expect(outputs[1]).toEqual([]);
		expect(outputs[2]).toEqual([{ json: { error: expect.stringMatching(/^Item 0 needs a checker's approval/), details: expect.objectContaining({ kind: 'config', field: 'checkers' }) }, pairedItem: { item: 0 } }]);
	});

	test('a short or missing signing secret fails every item with what to set, and never shows the secret', async () => {
		const short = 'too-short-secret';
		const error = await evaluate(change(), {}, { credentials: credentials({ signingSecret: short }) }).catch((e: unknown) => e);
		expect((error as Error).message).toMatch(/^The Maker\/Checker Gate credential's Signing Secret is shorter than 32 characters; set it to at least 32 random characters \(for example the output of `openssl rand -hex 32`\)/);
		expect(JSON.stringify(error)).not.toContain(short);
		expect((error as NodeOperationError).context.itemIndex).toBe(0);
		const out = await evaluate(change(), {}, { credentials: credentials({ signingSecret: '' }), continueOnFail: true });
		expect(out[2][0].json.error).toMatch(/Signing Secret is empty/);
	});

	test('a Checkers entry that is not one identity is an error naming it', async () => {
		const error = await evaluate(change(), {}, { credentials: credentials({ checkers: 'bob@msp.example carol@msp.example' }) }).catch((e: unknown) => e);
		expect((error as Error).message).toMatch(/Checkers list has "bob@msp.example carol@msp.example", which is not one identity; separate the email addresses with commas or new lines/);
	});
});

describe('Maker/Checker Gate: Evaluate Stage Promotion', () => {
	const promote = (promotion: IDataObject, options: IDataObject = {}, extra: Partial<Options> = {}) =>
		run({ params: { operation: 'evaluatePromotion', promotion, promotionOptions: options }, ...extra });
	const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

	test('lab -> prod with passing validation: Approved; failing: Rejected', async () => {
		const ok = single(await promote({ item: 'fw-7.1', from: 'lab', to: 'prod', maker: MAKER, validation: { passed: 3, failed: 0 } }));
		expect([ok.output, codes(ok.json)]).toEqual([0, ['validationPassed']]);
		const failed = single(await promote({ item: 'fw-7.1', from: 'lab', to: 'prod', maker: MAKER, validation: [{ name: 'dhcp', passed: false }] }));
		expect([failed.output, codes(failed.json)]).toEqual([2, ['validationFailed']]);
	});

	test('prod -> customer after the soak: Needs Approval with an approval request; before it: Rejected', async () => {
		const soaked = single(await promote({ item: 'fw-7.1', from: 'prod', to: 'customer', maker: MAKER, enteredFromStageAt: hoursAgo(25) }));
		expect([soaked.output, codes(soaked.json)]).toEqual([1, ['customerApproval']]);
		expect((soaked.json.approval as { checkers: unknown[] }).checkers).toHaveLength(2);
		const early = single(await promote({ item: 'fw-7.1', from: 'prod', to: 'customer', maker: MAKER, enteredFromStageAt: hoursAgo(23) }));
		expect([early.output, codes(early.json)]).toEqual([2, ['soakIncomplete']]);
		const shorter = single(await promote({ item: 'fw-7.1', from: 'prod', to: 'customer', maker: MAKER, enteredFromStageAt: hoursAgo(2) }, { soakHours: 1 }));
		expect(shorter.output).toBe(1);
		const skipped = single(await promote({ item: 'fw-7.1', from: 'lab', to: 'customer', maker: MAKER }));
		expect([skipped.output, codes(skipped.json)]).toEqual([2, ['stageSkipped']]);
	});

	test('a time without an offset is read in the workflow\'s time zone', async () => {
		// 26 hours ago, written as Kolkata wall time (UTC+5:30) without an offset: 26 h in Kolkata, 20.5 h if read as UTC.
		const local = new Date(Date.now() - 26 * 3_600_000 + 5.5 * 3_600_000).toISOString().slice(0, 19);
		const promotion = { item: 'fw-7.1', from: 'prod', to: 'customer', maker: MAKER, enteredFromStageAt: local };
		expect(single(await promote(promotion, {}, { timezone: 'Asia/Kolkata' })).output).toBe(1);
		expect(codes(single(await promote(promotion, {}, { timezone: 'UTC' })).json)).toEqual(['soakIncomplete']);
	});
});

describe('Maker/Checker Gate: Verify Approval', () => {
	const bulk = change({ sites: sites(12) });

	test('an allowed checker approves with their code: Approved, the checker found from the code', async () => {
		const { approval, json } = await requestApproval(bulk);
		const { output, json: out } = single(
			await verify({ approvalToken: approval.token, changeToApply: json.changeRequest, decision: 'Approve', reason: 'Looks right', approvalCode: (approval.checkers[1] as { approvalCode: string }).approvalCode }),
		);
		expect(output).toBe(0);
		expect(out).toEqual({
			decision: 'approved',
			reasons: [{ code: 'checkerApproved', message: `Approved by ${CAROL}` }],
			checker: CAROL,
			maker: MAKER,
			changeHash: json.changeHash,
			checkerReason: 'Looks right',
			changeRequest: json.changeRequest,
		});
	});

	test('decision in any case; Reject goes to Rejected with the checker\'s reason', async () => {
		const { approval, json, code } = await requestApproval(bulk);
		expect(single(await verify({ approvalToken: approval.token, changeToApply: json.changeRequest, decision: ' approve ', approvalCode: code(BOB) })).output).toBe(0);
		const rejected = single(await verify({ approvalToken: approval.token, changeToApply: json.changeRequest, decision: 'REJECT', reason: 'Not during business hours', approvalCode: code(BOB) }));
		expect(rejected.output).toBe(1);
		expect(rejected.json.reasons).toEqual([{ code: 'checkerRejected', field: 'decision', message: `${BOB} rejected the change: Not during business hours` }]);
	});

	test('with the Checker parameter: the code must be that checker\'s', async () => {
		const { approval, json, code } = await requestApproval(bulk);
		const base = { approvalToken: approval.token, changeToApply: json.changeRequest, decision: 'Approve' };
		expect(single(await verify({ ...base, checker: 'Carol@MSP.example', approvalCode: code(CAROL) })).output).toBe(0);
		const swapped = single(await verify({ ...base, checker: CAROL, approvalCode: code(BOB) }));
		expect([swapped.output, codes(swapped.json)]).toEqual([1, ['checkerSignatureInvalid']]);
	});

	test('self-approval: a code for the maker is recognised as the maker\'s and rejected', async () => {
		const { approval, json } = await requestApproval(bulk);
		const makersCode = checkerSignature(SECRET, approval.token, MAKER);
		const { output, json: out } = single(await verify({ approvalToken: approval.token, changeToApply: json.changeRequest, decision: 'Approve', approvalCode: makersCode }));
		expect(output).toBe(1);
		expect(out.checker).toBe(MAKER);
		expect(codes(out)).toEqual(['checkerNotAllowed', 'selfApproval']);
		const named = single(await verify({ approvalToken: approval.token, changeToApply: json.changeRequest, decision: 'Approve', checker: MAKER, approvalCode: makersCode }));
		expect(codes(named.json)).toEqual(['checkerNotAllowed', 'selfApproval']);
	});

	test('an edited change (the change to apply differs from the one signed): changeHashMismatch', async () => {
		const { approval, code } = await requestApproval(bulk);
		const edited = { ...bulk, sites: [...bulk.sites!, 'site-99'] };
		const { output, json } = single(await verify({ approvalToken: approval.token, changeToApply: edited, decision: 'Approve', approvalCode: code(BOB) }));
		expect([output, codes(json)]).toEqual([1, ['changeHashMismatch']]);
		expect(json.changeHash).toBe(changeHash(edited as never));
		// Only the form of the change may differ: order and whitespace are the same change.
		const reordered = { ...bulk, sites: [...bulk.sites!].reverse(), description: ` ${bulk.description} ` };
		expect(single(await verify({ approvalToken: approval.token, changeToApply: JSON.stringify(reordered), decision: 'Approve', approvalCode: code(BOB) })).output).toBe(0);
	});

	test('a change that cannot be read: Rejected with what is wrong in it, not approved', async () => {
		const { approval, code } = await requestApproval(bulk);
		const { output, json } = single(await verify({ approvalToken: approval.token, changeToApply: { ...bulk, sites: [] }, decision: 'Approve', approvalCode: code(BOB) }));
		expect(output).toBe(1);
		expect(json.reasons).toEqual([{ code: 'malformed', field: 'changeRequest.sites', message: expect.stringMatching(/^Change Request: Invalid change request: sites/) }]);
		expect(codes(single(await verify({ approvalToken: approval.token, changeToApply: undefined, decision: 'Approve', approvalCode: code(BOB) })).json)).toEqual(['malformed']);
	});

	test('replayed into another execution: executionMismatch', async () => {
		const { approval, json, code } = await requestApproval(bulk, { executionId: 'exec-A' });
		const params = { approvalToken: approval.token, changeToApply: json.changeRequest, decision: 'Approve', approvalCode: code(BOB) };
		expect(single(await verify(params, { executionId: 'exec-A' })).output).toBe(0);
		const replayed = single(await verify(params, { executionId: 'exec-B' }));
		expect([replayed.output, codes(replayed.json)]).toEqual([1, ['executionMismatch']]);
	});

	test('a code from another approval request (another execution\'s) does not fit this one: checkerSignatureInvalid', async () => {
		const first = await requestApproval(bulk, { executionId: 'exec-A' });
		const second = await requestApproval(bulk, { executionId: 'exec-B' });
		const out = single(await verify({ approvalToken: second.approval.token, changeToApply: second.json.changeRequest, decision: 'Approve', approvalCode: first.code(BOB) }, { executionId: 'exec-B' }));
		expect([out.output, codes(out.json)]).toEqual([1, ['checkerSignatureInvalid']]);
		expect(out.json.checker).toBeUndefined();
	});

	test('expired: a token whose expiresAt has passed', async () => {
		const token = signApprovalRequest(
			{ v: 1, changeHash: changeHash(bulk as never), maker: MAKER, checkers: [BOB], executionId: 'exec-unit-1', expiresAt: new Date(Date.now() - 1000).toISOString(), nonce: randomUUID() },
			SECRET,
		);
		const { output, json } = single(await verify({ approvalToken: token, changeToApply: bulk, decision: 'Approve', approvalCode: checkerSignature(SECRET, token, BOB) }));
		expect([output, codes(json)]).toEqual([1, ['expired']]);
	});

	test('the Wait node timed out (no Decision, no code): one reason, noDecision', async () => {
		const { approval, json } = await requestApproval(bulk);
		const { output, json: out } = single(await verify({ approvalToken: approval.token, changeToApply: json.changeRequest }));
		expect(output).toBe(1);
		expect(out.reasons).toEqual([
			{ code: 'noDecision', field: 'decision', message: 'No decision arrived before the approval wait ended (the Wait node timed out); a change without an approval is rejected' },
		]);
		expect(out).toMatchObject({ decision: 'rejected', maker: MAKER, changeHash: json.changeHash });
		// Blank strings, as an expression may give them, are the same.
		expect(codes(single(await verify({ approvalToken: approval.token, changeToApply: json.changeRequest, decision: '', approvalCode: '' })).json)).toEqual(['noDecision']);
		// A code without a decision is not an approval either.
		const { code } = await requestApproval(bulk);
		expect(codes(single(await verify({ approvalToken: approval.token, changeToApply: json.changeRequest, approvalCode: code(BOB) })).json)).toContain('noDecision');
	});

	test('a forged code, a missing code, an altered token', async () => {
		const { approval, json, code } = await requestApproval(bulk);
		const base = { approvalToken: approval.token, changeToApply: json.changeRequest, decision: 'Approve' };
		expect(codes(single(await verify({ ...base, approvalCode: 'A'.repeat(43) })).json)).toEqual(['checkerSignatureInvalid']);
		expect(codes(single(await verify({ ...base, approvalCode: `${code(BOB)}x` })).json)).toEqual(['checkerSignatureInvalid']);
		expect(codes(single(await verify({ ...base, approvalCode: ' ' })).json)).toEqual(['checkerSignatureMissing']);
		const [body, signature] = approval.token.split('.');
		const altered = `${body.slice(0, -2)}AA.${signature}`;
		expect(codes(single(await verify({ ...base, approvalToken: altered, approvalCode: code(BOB) })).json)).toContain('tokenSignatureInvalid');
		expect(codes(single(await verify({ ...base, approvalToken: undefined, approvalCode: code(BOB) })).json)).toEqual(['tokenMissing']);
	});

	test('a token and code made with another secret: tokenSignatureInvalid', async () => {
		const token = signApprovalRequest(
			{ v: 1, changeHash: changeHash(bulk as never), maker: MAKER, checkers: [BOB], executionId: 'exec-unit-1', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), nonce: randomUUID() },
			OTHER_SECRET,
		);
		const { output, json } = single(await verify({ approvalToken: token, changeToApply: bulk, decision: 'Approve', approvalCode: checkerSignature(OTHER_SECRET, token, BOB), checker: BOB }));
		expect(output).toBe(1);
		expect(codes(json)).toEqual(['tokenSignatureInvalid']);
	});

	test('a stage promotion is verified like a change (its own hash)', async () => {
		const promotion = { item: 'fw-7.1', from: 'prod', to: 'customer', maker: MAKER, enteredFromStageAt: new Date(Date.now() - 30 * 3_600_000).toISOString() };
		const evaluated = single(await run({ params: { operation: 'evaluatePromotion', promotion, promotionOptions: {} } }));
		const approval = evaluated.json.approval as { token: string; checkers: Array<{ approvalCode: string }> };
		const base = { approvalToken: approval.token, decision: 'Approve', approvalCode: approval.checkers[0].approvalCode };
		expect(single(await verify({ ...base, changeToApply: evaluated.json.changeRequest })).output).toBe(0);
		expect(codes(single(await verify({ ...base, changeToApply: { ...promotion, item: 'fw-7.2' } })).json)).toEqual(['changeHashMismatch']);
		// A change request cannot borrow a promotion's approval.
		expect(codes(single(await verify({ ...base, changeToApply: bulk })).json)).toEqual(['changeHashMismatch']);
	});

	test('the secret never appears in an output, a reason or an error, even typed into a field', async () => {
		const { approval, json, code } = await requestApproval(bulk);
		const outputs = [
			await evaluate(bulk),
			await verify({ approvalToken: approval.token, changeToApply: json.changeRequest, decision: 'Reject', reason: `secret is ${SECRET}`, approvalCode: code(BOB) }),
			await verify({ approvalToken: SECRET, changeToApply: json.changeRequest, decision: 'Approve', approvalCode: SECRET, checker: SECRET }),
			await evaluate(change(), {}, { credentials: credentials({ checkers: `${SECRET} x` }), continueOnFail: true }),
		];
		const text = JSON.stringify(outputs);
		expect(text).toContain('[REDACTED]');
		expect(text).not.toContain(SECRET);
		const error = await evaluate(change({ sites: sites(11) }), {}, { credentials: credentials({ checkers: MAKER }) }).catch((e: unknown) => e);
		expect(JSON.stringify(error)).not.toContain(SECRET);
	});

	test('Continue On Fail in Verify Approval: an error item on Rejected', async () => {
		const out = await verify({ approvalToken: 'x', decision: 'Approve' }, { credentials: credentials({ signingSecret: 'short' }), continueOnFail: true });
		expect(out[0]).toEqual([]);
		expect(out[1]).toEqual([{ json: { error: expect.stringMatching(/Signing Secret is shorter than 32 characters/), details: expect.any(Object) }, pairedItem: { item: 0 } }]);
	});
});


describe('Maker/Checker Gate: the change_approvals audit (Log to Supabase)', () => {
	let sandbox: Sandbox;
	const supabase = () => ({ supabaseApi: { host: sandbox.urls.supabase, serviceRole: sandbox.credentials.supabaseServiceKey } });
	const withLog = (extra: Partial<Options> = {}): Partial<Options> => ({ credentials: { ...credentials(), ...supabase() }, workflow: { id: 'wfGate', name: 'Change approval' }, ...extra });
	const rows = (where: string, params: unknown[]) =>
		sandbox.supabase!.query<Record<string, any>>(
			`select change_hash, maker, checker, decision, reasons, risk, change_type, site_count, request_id, workflow_id, execution_id from change_approvals where ${where} order by id`,
			params,
		);

	beforeAll(async () => {
		sandbox = await startSandbox({ services: ['supabase'], supabase: { databaseUrl: LOCAL_DATABASE_URL } });
	}, 60_000);
	afterAll(async () => {
		await sandbox?.stop();
	});

	const evaluateLogged = (request: unknown, extra: Partial<Options> = {}) => run({ params: { operation: 'evaluate', changeRequest: request, options: {}, opsLog: true }, ...withLog(extra) });
	const verifyLogged = (over: IDataObject, extra: Partial<Options> = {}) => run({ params: verifyParams({ ...over, opsLog: true }), ...withLog(extra) });

	test('every evaluation is a row: auto_approved, needs_approval (with the request id), rejected', async () => {
		const executionId = `exec-${randomUUID()}`;
		const outputs = await run({
			params: [
				{ operation: 'evaluate', changeRequest: change(), options: {}, opsLog: true },
				{ operation: 'evaluate', changeRequest: change({ sites: sites(11) }), options: {}, opsLog: true },
				{ operation: 'evaluate', changeRequest: change({ vlanIds: [4096] }), options: {}, opsLog: true },
				{ operation: 'evaluate', changeRequest: { nonsense: true }, options: {}, opsLog: true },
			],
			...withLog({ executionId }),
		});
		expect(outputs.map((items) => items.length)).toEqual([1, 1, 2]);
		expect(JSON.stringify(outputs)).not.toContain('opsLogError');
		const requestId = (outputs[1][0].json.approval as { requestId: string }).requestId;
		const logged = await rows('execution_id = $1', [executionId]);
		expect(logged).toEqual([
			{
				change_hash: changeHash(change() as never),
				maker: MAKER,
				checker: null,
				decision: 'auto_approved',
				reasons: [expect.objectContaining({ code: 'autoApproved' })],
				risk: 'LOW',
				change_type: 'vlan',
				site_count: 2,
				request_id: null,
				workflow_id: 'wfGate',
				execution_id: executionId,
			},
			expect.objectContaining({ decision: 'needs_approval', site_count: 11, request_id: requestId, reasons: [expect.objectContaining({ code: 'bulkChange' })] }),
			expect.objectContaining({ decision: 'rejected', reasons: [expect.objectContaining({ code: 'vlanOutOfRange' })] }),
		]);
	});

	test('an approval is recorded with its checker and request id; a second answer to the same request is alreadyDecided', async () => {
		const executionId = `exec-${randomUUID()}`;
		const [[], [needs]] = await evaluateLogged(change({ sites: sites(12) }), { executionId });
		const approval = needs.json.approval as { token: string; requestId: string; checkers: Array<{ checker: string; approvalCode: string }> };
		const answer = (checker: number, decision = 'Approve') => ({
			approvalToken: approval.token,
			changeToApply: needs.json.changeRequest,
			decision,
			approvalCode: approval.checkers[checker].approvalCode,
		});
		const first = single(await verifyLogged(answer(0), { executionId }));
		expect([first.output, first.json.decision, first.json.opsLogError]).toEqual([0, 'approved', undefined]);

		const again = single(await verifyLogged(answer(1), { executionId }));
		expect(again.output).toBe(1);
		expect(again.json.reasons).toEqual([
			{ code: 'alreadyDecided', field: 'token', message: `This approval request (${approval.requestId}) was already decided; an approval request is answered once. Request approval again.` },
		]);
		const rejectedAgain = single(await verifyLogged(answer(1, 'Reject'), { executionId }));
		expect(codes(rejectedAgain.json)).toEqual(['alreadyDecided', 'checkerRejected']);

		const decided = await rows("request_id = $1 and decision in ('approved', 'rejected')", [approval.requestId]);
		expect(decided).toEqual([expect.objectContaining({ decision: 'approved', checker: BOB, maker: MAKER, site_count: 12, execution_id: executionId, change_hash: needs.json.changeHash })]);
	});

	test('a timed-out request is decided (rejected) once: an approval arriving later is alreadyDecided', async () => {
		const executionId = `exec-${randomUUID()}`;
		const [[], [needs]] = await evaluateLogged(change({ sites: sites(12) }), { executionId });
		const approval = needs.json.approval as { token: string; requestId: string; checkers: Array<{ approvalCode: string }> };
		const timedOut = single(await verifyLogged({ approvalToken: approval.token, changeToApply: needs.json.changeRequest }, { executionId }));
		expect(codes(timedOut.json)).toEqual(['noDecision']);
		const late = single(await verifyLogged({ approvalToken: approval.token, changeToApply: needs.json.changeRequest, decision: 'Approve', approvalCode: approval.checkers[0].approvalCode }, { executionId }));
		expect([late.output, codes(late.json)]).toEqual([1, ['alreadyDecided']]);
		expect(await rows('request_id = $1 and decision = $2', [approval.requestId, 'rejected'])).toEqual([expect.objectContaining({ checker: null, reasons: [expect.objectContaining({ code: 'noDecision' })] })]);
	});

	test('an audit that cannot be written does not fail the node: the decision stands, the items carry opsLogError', async () => {
		const down = { credentials: { ...credentials(), supabaseApi: { host: 'http://127.0.0.1:9', serviceRole: sandbox.credentials.supabaseServiceKey } } };
		const outputs = await run({ params: { operation: 'evaluate', changeRequest: change({ sites: sites(11) }), options: {}, opsLog: true }, ...down });
		expect(outputs[1]).toHaveLength(1);
		expect(String(outputs[1][0].json.opsLogError)).toMatch(/^Supabase ops log: writing change_approvals failed/);
		const approval = outputs[1][0].json.approval as { token: string; checkers: Array<{ approvalCode: string }> };
		const verified = await run({
			params: verifyParams({ approvalToken: approval.token, changeToApply: outputs[1][0].json.changeRequest, decision: 'Approve', approvalCode: approval.checkers[0].approvalCode, opsLog: true }),
			...down,
		});
		expect(verified[0]).toHaveLength(1);
		expect(String(verified[0][0].json.opsLogError)).toMatch(/change_approvals failed/);
	});
});

describe('Maker/Checker Gate credential test (no service: the values themselves)', () => {
	const test = new MakerCheckerGate().methods.credentialTest.testGateCredential;
	const run = (data: Record<string, unknown>) => test.call({} as never, { id: 'c', name: 'Gate', type: 'mspMakerCheckerApi', data } as never);
	it('OK for a long secret and at least one checker', async () => {
		expect(await run({ signingSecret: 'x'.repeat(32), checkers: 'bob@example.com, carol@example.com' })).toEqual({ status: 'OK', message: 'Signing secret usable; 2 checker(s)' });
	});
	it('an error naming the field for a short secret, a malformed list, or no checkers; never the secret', async () => {
		const short = await run({ signingSecret: 'short-secret', checkers: 'bob@example.com' });
		expect(short).toMatchObject({ status: 'Error', message: expect.stringMatching(/Signing Secret is shorter than 32 characters/) });
		expect(short.message).not.toContain('short-secret');
		expect(await run({ signingSecret: 'y'.repeat(40), checkers: 'bob smith' })).toMatchObject({ status: 'Error', message: expect.stringMatching(/Checkers list has "bob smith"/) });
		expect(await run({ signingSecret: 'y'.repeat(40), checkers: ' , ' })).toEqual({ status: 'Error', message: 'Checkers is empty: list who may approve changes (email addresses)' });
	});
});
