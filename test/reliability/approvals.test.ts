/**
 * Reliability, area "approvals": hostile answers to the Maker/Checker Gate's approval requests, sent through the real
 * Wait form and resume webhook of one n8n 2.41.1 server (`n8n start`; 2.41 signs its resume URLs, so posts without or
 * with a wrong signature can be tried). Each attempt targets its own waiting execution of a change that needs a
 * checker. Whatever arrives, the change must never reach Apply Change: the execution ends on Change Rejected, or n8n
 * refuses the post and the execution keeps waiting; every decision the gate made is a row of change_approvals in the
 * sandbox Supabase (decision, reasons, checker) matching what the node output; the signing secret is in no output and
 * no audit row.
 *
 * A checker's valid approval through each channel applies the change (the control: the workflow can approve). The six
 * named attacks of the issue run once each (self-approval, an approval replayed into another change, a change edited
 * after the request, an expired approval, a Wait timeout, resume calls without the signature); then a corpus
 * generated with fast-check from the reliability seed: random, tampered and foreign codes, codes signed for someone
 * who is not a checker, the maker's own code under look-alike addresses, look-alike checker addresses typed in,
 * decisions other than approve/reject, oversized and hostile text, missing fields, wrong types (webhook bodies), each
 * preceded by a post without or with a wrong n8n signature and followed by a replay of a valid code once the
 * execution ended. Every attempt (post) counts as a case.
 *
 * The corpus is drawn with `fc.sample` (no shrinking: a failure names its case, kind and execution instead).
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';

import { checkerSignature } from '../../lib/gate';
import { startSandbox, type Sandbox } from '../sandbox';
import { BOB, CAROL, MAKER, codeOf, codesOf, gateCredential, gateWorkflowVariant, output, ran, submitForm, type Approval, type Execution, type GateNode, type GateWorkflow, type Item } from '../e2e/approvals';
import { createN8nInstance, type HostVersion, type N8nInstance } from '../e2e/harness';
import { sandboxCredentials } from '../e2e/sandboxCredentials';
import { reliabilitySeed, reliabilityTally } from './report';

const VERSION: HostVersion = '2.41.1';
const SEED = reliabilitySeed();
const tally = reliabilityTally('approvals');
process.stdout.write(`seed of reliability approvals: ${SEED} (set RELIABILITY_SEED to change it)\n`);

/**
 * Executions of the generated corpus, 7 of each of the 12 kinds below; each carries three attempts (a signature
 * attack, the answer, a replay). Sized for the area's 3-minute budget on 2 shared cores.
 */
const CORPUS_EXECUTIONS = 7 * 12;
/** Attempts in flight at once: the server runs them side by side. */
const PARALLEL = 4;

const SECRET = randomBytes(32).toString('hex');
const CREDENTIAL = gateCredential(SECRET);

/**
 * The gate test workflow under another id, node ids and webhook path, with `edit` applied to its nodes. Its webhook
 * answers with the new execution's id (Respond to Webhook right after it), so that attempts running side by side each
 * know their execution.
 */
function variant(id: string, idPrefix: string, webhookPath: string, edit: (node: GateNode) => void = () => undefined): GateWorkflow {
	const copy = gateWorkflowVariant(id, idPrefix, webhookPath, (node) => {
		if (node.name === 'Receive Change') node.parameters.responseMode = 'responseNode';
		edit(node);
	});
	copy.nodes.push({
		id: `${idPrefix}000000-0000-4000-8000-0000000000e1`.slice(0, 36),
		name: 'Answer Execution Id',
		type: 'n8n-nodes-base.respondToWebhook',
		typeVersion: 1.1,
		position: [120, 400],
		parameters: { respondWith: 'json', responseBody: '={{ JSON.stringify({ executionId: $execution.id }) }}', options: {} },
	});
	copy.connections['Receive Change'] = { main: [[{ node: 'Answer Execution Id', type: 'main', index: 0 }]] };
	copy.connections['Answer Execution Id'] = { main: [[{ node: 'Evaluate Change', type: 'main', index: 0 }]] };
	return copy;
}

const formWorkflow = variant('relGateForm00001', 'd1', 'rel-gate-form');
/**
 * The Wait node resumed by a webhook call instead of the form: the answer is a JSON body (any types), and the
 * checker may be typed in (body.Checker), so look-alike addresses reach Verify Approval as the checker.
 */
const webhookWorkflow = variant('relGateHook00001', 'd2', 'rel-gate-hook', (node) => {
	if (node.name === 'Wait for Checker') node.parameters = { resume: 'webhook', httpMethod: 'POST', limitWaitTime: false, options: {} };
	if (node.name === 'Verify Approval') {
		Object.assign(node.parameters, {
			decision: '={{ $json.body.Decision }}',
			reason: '={{ $json.body.Reason }}',
			approvalCode: "={{ $json.body['Approval Code'] }}",
			checker: '={{ $json.body.Checker }}',
		});
	}
});
const expiringWorkflow = variant('relGateExpiry001', 'd3', 'rel-gate-expiry', (node) => {
	// About one second to answer.
	if (node.name === 'Evaluate Change') node.parameters.options = { approvalValidForHours: 0.0003 };
});
const timeoutWorkflow = variant('relGateTimeout01', 'd4', 'rel-gate-timeout', (node) => {
	if (node.name === 'Wait for Checker') Object.assign(node.parameters, { limitWaitTime: true, limitType: 'afterTimeInterval', resumeAmount: 2, resumeUnit: 'seconds' });
});
const WORKFLOWS = [formWorkflow, webhookWorkflow, expiringWorkflow, timeoutWorkflow];
const PATHS = new Map(WORKFLOWS.map((w) => [w.id, String(w.nodes.find((n) => n.name === 'Receive Change')!.parameters.path)]));

const sites = (n: number) => Array.from({ length: n }, (_, i) => `site-${String(i + 1).padStart(2, '0')}`);
const bulkChange = (over: Record<string, unknown> = {}) => ({ maker: MAKER, sites: sites(12), changeType: 'vlan', risk: 'MEDIUM', description: 'VLAN 30 for cameras', vlanIds: [30], ...over });

// ------------------------------------------------------------------------------------------------ the corpus

/** Look-alikes of the maker that ARE the maker once normalised (case, spaces, NFKC width, zero-width characters). */
const MAKER_ALIASES = ['ALICE@MSP.EXAMPLE', ' alice@msp.example ', 'Alice@Msp.Example', 'ａｌｉｃｅ@msp.example', 'al\u200bice@msp.example', '\ufeffalice@msp.example\t'];
/**
 * Look-alikes of a checker that are someone else: homoglyphs from other scripts (Cyrillic а/о/е, Greek ο), a space
 * inside, another domain, a trailing dot. Typed in as the checker with the real checker's code, they must not pass.
 */
const CHECKER_CONFUSABLES = ['b\u043eb@msp.example', 'bob@msp.ex\u0430mple', 'b\u03bfb@msp.example', 'bob @msp.example', 'bob@msp.example.', 'bob@msp-example', 'c\u0430rol@msp.example', 'carol@msp.\u0435xample', 'carol@msp.example.com'];
/** Decisions that are neither approve nor reject (the gate folds case and trims; these stay other words). */
const OTHER_DECISIONS = ['yes', 'ok', 'Approved', 'Aprove', 'approve reject', 'true', '1', 'Ａpprove', 'appr\u200bove', '\u202eevorppA', 'Approve; Reject', 'APPROVE!', 'accept'];
const HOSTILE_TEXT = ['__proto__', 'constructor', '<script>alert(1)</script>', "'; drop table change_approvals; --", '\u202e\u2067txt', '\u0000\u0001\u0007', '{{ $env.HOME }}', '={{ $json }}', '\ud800', 'x'.repeat(4000)];

type Channel = 'form' | 'webhook';
type Attack =
	| { kind: 'randomCode'; code: string }
	| { kind: 'tamperedCode'; checker: 0 | 1; how: 'flip' | 'cut' | 'append' | 'case'; at: number }
	| { kind: 'foreignCode'; checker: 0 | 1 }
	| { kind: 'nonCheckerCode'; who: string }
	| { kind: 'makerCode'; alias: string }
	| { kind: 'typedLookAlike'; typed: string; checker: 0 | 1 }
	| { kind: 'typedMaker'; typed: string; codeOf: 'maker' | 'checker' }
	| { kind: 'otherDecision'; decision: unknown }
	| { kind: 'hostileText'; text: string; big: number; decision: 'Approve' | 'Reject' }
	| { kind: 'missingFields'; keep: { decision: boolean; code: boolean; reason: boolean } }
	| { kind: 'wrongTypes'; code: unknown; decision: unknown };
type SignatureAttack = 'none' | 'random' | 'flipped' | 'foreign' | 'empty';

interface Case {
	channel: Channel;
	attack: Attack;
	signature: SignatureAttack;
}

const anyChecker = fc.constantFrom<0 | 1>(0, 1);
const bothChannels: Channel[] = ['form', 'webhook'];
/** One arbitrary per kind of attack, and the channels it can be sent through. */
const KINDS: Array<{ channels: Channel[]; attack: fc.Arbitrary<Attack> }> = [
	{ channels: bothChannels, attack: fc.record({ kind: fc.constant('randomCode' as const), code: fc.oneof(fc.base64String({ minLength: 1, maxLength: 64 }), fc.string({ minLength: 1, maxLength: 80 }), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/)) }) },
	{ channels: bothChannels, attack: fc.record({ kind: fc.constant('tamperedCode' as const), checker: anyChecker, how: fc.constantFrom('flip', 'cut', 'append', 'case'), at: fc.nat(42) }) },
	{ channels: bothChannels, attack: fc.record({ kind: fc.constant('foreignCode' as const), checker: anyChecker }) },
	{ channels: bothChannels, attack: fc.record({ kind: fc.constant('nonCheckerCode' as const), who: fc.constantFrom('dave@msp.example', 'admin@msp.example', 'bob@msp.example.evil', ...CHECKER_CONFUSABLES) }) },
	{ channels: bothChannels, attack: fc.record({ kind: fc.constant('makerCode' as const), alias: fc.constantFrom(MAKER, ...MAKER_ALIASES) }) },
	{
		channels: bothChannels,
		attack: fc.record({ kind: fc.constant('otherDecision' as const), decision: fc.oneof(fc.constantFrom<unknown>(...OTHER_DECISIONS), fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !['approve', 'reject'].includes(s.trim().toLowerCase()))) }),
	},
	{
		// Not through the form: a form field is always text.
		channels: ['webhook'],
		attack: fc.record({ kind: fc.constant('otherDecision' as const), decision: fc.constantFrom<unknown>(true, 1, ['Approve'], { value: 'Approve' }, ['approve', 'reject']) }),
	},
	{
		channels: bothChannels,
		attack: fc.record({ kind: fc.constant('hostileText' as const), text: fc.oneof(fc.constantFrom(...HOSTILE_TEXT), fc.string({ unit: 'binary', maxLength: 200 })), big: fc.constantFrom(0, 0, 20_000, 200_000), decision: fc.constantFrom('Approve' as const, 'Reject' as const) }),
	},
	{ channels: bothChannels, attack: fc.record({ kind: fc.constant('missingFields' as const), keep: fc.record({ decision: fc.boolean(), code: fc.boolean(), reason: fc.boolean() }).filter((k) => !(k.decision && k.code)) }) },
	// The checker typed in: only the webhook variant reads it from the answer.
	{ channels: ['webhook'], attack: fc.record({ kind: fc.constant('typedLookAlike' as const), typed: fc.constantFrom(...CHECKER_CONFUSABLES), checker: anyChecker }) },
	{ channels: ['webhook'], attack: fc.record({ kind: fc.constant('typedMaker' as const), typed: fc.constantFrom(MAKER, ...MAKER_ALIASES), codeOf: fc.constantFrom('maker' as const, 'checker' as const) }) },
	{
		channels: ['webhook'],
		attack: fc.record({
			kind: fc.constant('wrongTypes' as const),
			code: fc.constantFrom<unknown>(null, 0, 1, true, [], ['x'], {}, { code: 'x' }),
			decision: fc.constantFrom<unknown>(true, 1, ['Approve'], { Approve: true }, null, 'Approve'),
		}),
	},
];
const caseOfKind = ({ channels, attack }: (typeof KINDS)[number]): fc.Arbitrary<Case> =>
	fc.record({ channel: fc.constantFrom(...channels), attack, signature: fc.constantFrom<SignatureAttack>('none', 'random', 'flipped', 'foreign', 'empty') });

/**
 * Stratified: case i is of kind i mod (number of kinds), drawn with its own seed derived from the run's, so every kind
 * is tried equally often.
 */
const CORPUS: Case[] = Array.from({ length: CORPUS_EXECUTIONS }, (_, i) => fc.sample(caseOfKind(KINDS[i % KINDS.length]), { seed: (SEED + Math.floor(i / KINDS.length) * 7919 + i) | 0, numRuns: 1 })[0]);

/** A case as a line of text (no secret in it; long and binary values shortened). */
const describeCase = (c: Case) => JSON.stringify(c, (_k, v: unknown) => (typeof v === 'string' && v.length > 60 ? `${v.slice(0, 40)}...(${v.length})` : v));

/** Codes a checker of `approval` could send, changed so that they are not that code any more. */
function tampered(code: string, how: 'flip' | 'cut' | 'append' | 'case', at: number): string {
	const i = at % code.length;
	if (how === 'cut') return code.slice(0, Math.max(1, i));
	if (how === 'append') return `${code}${code[i]}`;
	if (how === 'case') {
		const j = [...code].findIndex((ch, k) => k >= i && ch.toLowerCase() !== ch.toUpperCase());
		const k = j >= 0 ? j : [...code].findIndex((ch) => ch.toLowerCase() !== ch.toUpperCase());
		return code.slice(0, k) + (code[k] === code[k].toLowerCase() ? code[k].toUpperCase() : code[k].toLowerCase()) + code.slice(k + 1);
	}
	return code.slice(0, i) + (code[i] === 'A' ? 'B' : 'A') + code.slice(i + 1);
}

// ------------------------------------------------------------------------------------------------ the test

describe(`approvals on n8n ${VERSION}`, () => {
	let n8n: N8nInstance;
	let sandbox: Sandbox;
	let started = Date.now();

	beforeAll(async () => {
		started = Date.now();
		sandbox = await startSandbox({ services: ['supabase'] });
		n8n = await createN8nInstance(VERSION);
		await n8n.importCredentials([CREDENTIAL, ...sandboxCredentials(sandbox).filter((c) => c.id !== CREDENTIAL.id)]);
		// One import (one n8n process instead of four); published through the running server's public API, which
		// registers their webhooks at once (a `publish:workflow` process each would cost more than the corpus).
		await n8n.importWorkflows(WORKFLOWS);
		await n8n.startServer();
		for (const wf of WORKFLOWS) await n8n.publicApi('POST', `/workflows/${wf.id}/activate`);
	}, 15 * 60_000);

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.stop();
		process.stdout.write(`approvals area on n8n ${VERSION}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
	});

	const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
	async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const value = await fn();
			if (value !== undefined) return value;
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
			await sleep(200);
		}
	}

	const status = async (id: string) => (await n8n.publicApi<{ status: string }>('GET', `/executions/${id}`)).status;
	const execution = (id: string) => n8n.publicApi<Execution>('GET', `/executions/${id}?includeData=true`);

	/** POSTs a change to a workflow's webhook; returns the execution it started (its id comes back in the answer). */
	async function submitChange(workflow: GateWorkflow, body: Record<string, unknown>): Promise<string> {
		// 2.41 registers the webhooks of published workflows shortly after the server reports ready: retry a 404.
		return until('the webhook to start an execution', async () => {
			const res = await n8n.request(`/webhook/${PATHS.get(workflow.id)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
			const text = await res.text();
			if (res.status === 404) return undefined;
			if (res.status !== 200) throw new Error(`the change webhook answered ${res.status}: ${text.slice(0, 300)}`);
			return String((JSON.parse(text) as { executionId: string }).executionId);
		});
	}

	/** Waits for the execution to park at the Wait node and returns its approval request. */
	async function waitingApproval(id: string): Promise<Approval> {
		await until(`execution ${id} to wait`, async () => ((await status(id)) === 'waiting' ? true : undefined));
		const [evaluated] = output(await execution(id), 'Evaluate Change', 1);
		expect(evaluated?.json.decision).toBe('needsApproval');
		return evaluated.json.approval as Approval;
	}

	const finished = (id: string) => until(`execution ${id} to finish`, async () => (['success', 'error', 'crashed', 'canceled'].includes(await status(id)) ? execution(id) : undefined), 90_000);

	/** The change_approvals rows of one execution, oldest first. */
	const audit = (id: string) =>
		sandbox.supabase!.query<{ decision: string; checker: string | null; maker: string; reasons: Array<{ code: string }>; reason: string | null }>(
			'select decision, checker, maker, reasons, reason from change_approvals where execution_id = $1 order by id',
			[id],
		);

	/**
	 * The execution ended without Apply Change, on Change Rejected, its reasons containing `codes`; the audit holds
	 * exactly the gate's two decisions (needs approval, then the Verify Approval output's decision, reasons and
	 * checker); no secret anywhere.
	 */
	async function expectRejectedAndAudited(id: string, codes: string[] = []): Promise<{ e: Execution; rejected: Item }> {
		const e = await finished(id);
		expect(e.status).toBe('success');
		expect(ran(e, 'Apply Change')).toBe(false);
		expect(output(e, 'Verify Approval', 0)).toEqual([]);
		const [rejected] = output(e, 'Change Rejected');
		expect(rejected?.json.decision).toBe('rejected');
		const reasons = codesOf(rejected);
		expect(reasons.length).toBeGreaterThan(0);
		expect(reasons).not.toContain('checkerApproved');
		expect(reasons).toEqual(expect.arrayContaining(codes));
		const rows = await until(`the audit of execution ${id}`, async () => {
			const r = await audit(id);
			return r.length >= 2 ? r : undefined;
		}, 30_000);
		expect(rows.map((r) => r.decision)).toEqual(['needs_approval', 'rejected']);
		expect(rows[1].reasons.map((r) => r.code)).toEqual(reasons);
		expect(rows[1].checker ?? undefined).toEqual(rejected.json.checker);
		expect(rows.every((r) => r.maker === MAKER)).toBe(true);
		expect(JSON.stringify(e)).not.toContain(SECRET);
		expect(JSON.stringify(rows)).not.toContain(SECRET);
		return { e, rejected };
	}

	/** The signed resume URL with its n8n signature removed, emptied, replaced or altered. */
	function resignedUrl(url: string, attack: SignatureAttack, foreignUrl: string): string {
		const u = new URL(url);
		const signature = u.searchParams.get('signature') ?? '';
		expect(signature).not.toBe('');
		if (attack === 'none') u.searchParams.delete('signature');
		else if (attack === 'empty') u.searchParams.set('signature', '');
		else if (attack === 'random') u.searchParams.set('signature', randomBytes(32).toString('hex'));
		else if (attack === 'foreign') u.searchParams.set('signature', new URL(foreignUrl).searchParams.get('signature') ?? 'x');
		else u.searchParams.set('signature', signature.slice(0, -1) + (signature.endsWith('a') ? 'b' : 'a'));
		return u.toString();
	}

	function postWebhook(url: string, body: unknown): Promise<Response> {
		return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
	}

	/** A valid answer of a checker: what a replay, or a post with a bad signature, carries. */
	function validApproval(channel: Channel, approval: Approval): (url: string) => Promise<Response> {
		return (url) => (channel === 'form' ? submitForm(url, { decision: 'Approve', code: codeOf(approval, BOB) }) : postWebhook(url, { Decision: 'Approve', 'Approval Code': codeOf(approval, BOB) }));
	}

	// ---------------------------------------------------------------------------- the six named attacks

	// Started first: the Wait limit of 2 s is noticed by n8n's wait tracker, which looks every 60 s.
	let timedOut: Promise<string> | undefined;
	beforeAll(() => {
		timedOut = submitChange(timeoutWorkflow, { change: bulkChange() });
		timedOut.catch(() => undefined);
	});

	test('a checker\'s approval applies the change (control); five named attacks: self-approval, replay into another change, edited change, expired, unsigned resume', async () => {
		await Promise.all([
			// The control: a checker's own code through each channel does apply the change, so "never reaches Apply
			// Change" below is not true of a workflow that cannot approve at all.
			...[formWorkflow, webhookWorkflow].map((workflow) =>
				tally.checkAsync(async () => {
					const id = await submitChange(workflow, { change: bulkChange() });
					const approval = await waitingApproval(id);
					const res = workflow === formWorkflow ? await submitForm(approval.formUrl, { decision: 'Approve', code: codeOf(approval, BOB) }) : await postWebhook(approval.webhookUrl, { Decision: 'approve', 'Approval Code': codeOf(approval, CAROL) });
					expect(res.status).toBe(200);
					const e = await finished(id);
					expect(output(e, 'Apply Change')[0]?.json).toMatchObject({ decision: 'approved', checker: workflow === formWorkflow ? BOB : CAROL });
					expect((await audit(id)).map((r) => r.decision)).toEqual(['needs_approval', 'approved']);
				}),
			),
			tally.checkAsync(async () => {
				const id = await submitChange(formWorkflow, { change: bulkChange() });
				const approval = await waitingApproval(id);
				expect((await submitForm(approval.formUrl, { decision: 'Approve', code: checkerSignature(SECRET, approval.token, MAKER) })).status).toBe(200);
				const { rejected } = await expectRejectedAndAudited(id, ['selfApproval']);
				expect(rejected.json.checker).toBe(MAKER);
			}),
			tally.checkAsync(async () => {
				// Bob's approval of one change, replayed into the request for another change (one more site).
				const first = await submitChange(formWorkflow, { change: bulkChange() });
				const second = await submitChange(formWorkflow, { change: bulkChange({ sites: sites(13) }) });
				const [a, b] = await Promise.all([waitingApproval(first), waitingApproval(second)]);
				expect((await submitForm(b.formUrl, { decision: 'Approve', code: codeOf(a, BOB) })).status).toBe(200);
				await expectRejectedAndAudited(second, ['checkerSignatureInvalid']);
				expect((await submitForm(a.formUrl, { decision: 'Reject', reason: 'Replayed elsewhere', code: codeOf(a, BOB) })).status).toBe(200);
				await expectRejectedAndAudited(first, ['checkerRejected']);
			}),
			tally.checkAsync(async () => {
				const id = await submitChange(formWorkflow, { change: bulkChange(), applyChange: bulkChange({ vlanIds: [31] }) });
				const approval = await waitingApproval(id);
				expect((await submitForm(approval.formUrl, { decision: 'Approve', code: codeOf(approval, CAROL) })).status).toBe(200);
				await expectRejectedAndAudited(id, ['changeHashMismatch']);
			}),
			tally.checkAsync(async () => {
				const id = await submitChange(expiringWorkflow, { change: bulkChange() });
				const approval = await waitingApproval(id);
				await sleep(Math.max(0, Date.parse(approval.expiresAt) - Date.now()) + 1500);
				expect((await submitForm(approval.formUrl, { decision: 'Approve', code: codeOf(approval, BOB) })).status).toBe(200);
				await expectRejectedAndAudited(id, ['expired']);
			}),
			tally.checkAsync(async () => {
				// n8n refuses resume calls without its signature (form and webhook) and one with a wrong one: the
				// execution keeps waiting and the gate never sees them; then a valid answer still works.
				const id = await submitChange(formWorkflow, { change: bulkChange() });
				const approval = await waitingApproval(id);
				const unsigned = approval.formUrl.replace(/\?.*$/, '');
				expect((await submitForm(unsigned, { decision: 'Approve', code: codeOf(approval, BOB) })).status).toBe(401);
				expect((await submitForm(`${unsigned}?signature=${'0'.repeat(64)}`, { decision: 'Approve', code: codeOf(approval, BOB) })).status).toBe(401);
				expect((await postWebhook(approval.webhookUrl.replace(/\?.*$/, ''), { Decision: 'Approve' })).status).toBe(401);
				expect(await status(id)).toBe('waiting');
				expect((await audit(id)).map((r) => r.decision)).toEqual(['needs_approval']);
				expect((await submitForm(approval.formUrl, { decision: 'Reject', code: codeOf(approval, CAROL) })).status).toBe(200);
				await expectRejectedAndAudited(id, ['checkerRejected']);
			}),
		]);
	}, 200_000);

	// ---------------------------------------------------------------------------- the generated corpus

	test(`a generated corpus of ${CORPUS_EXECUTIONS} hostile answers, each with a bad-signature post before and a replay after`, async () => {
		/** The approval of the execution before, per channel: its codes are foreign to the next one. */
		const previous: Partial<Record<Channel, Approval>> = {};
		const failures: string[] = [];
		const counts = new Map<string, number>();
		let refused = 0;
		const queue = CORPUS.map((c, i) => ({ c, i }));

		async function attempt(c: Case, index: number): Promise<void> {
			const workflow = c.channel === 'form' ? formWorkflow : webhookWorkflow;
			const id = await submitChange(workflow, { change: bulkChange({ description: `corpus case ${index}` }) });
			const approval = await waitingApproval(id);
			const foreign = previous[c.channel];
			previous[c.channel] = approval;
			const url = c.channel === 'form' ? approval.formUrl : approval.webhookUrl;
			const label = `case ${index} ${describeCase(c)} (execution ${id})`;
			counts.set(c.attack.kind, (counts.get(c.attack.kind) ?? 0) + 1);

			// 1. A valid checker's approval, but without or with a wrong n8n signature: refused by n8n, still waiting.
			await tally
				.checkAsync(async () => {
					const res = await validApproval(c.channel, approval)(resignedUrl(url, c.signature, foreign?.formUrl ?? url.replace(/signature=[^&]*/, 'signature=foreign')));
					await res.arrayBuffer();
					expect([label, res.status]).toEqual([label, 401]);
					expect(await status(id)).toBe('waiting');
				})
				.catch((error: Error) => failures.push(`${label}, signature attack: ${error.message}`));

			// 2. The hostile answer itself, through the signed URL.
			const { body, codes } = hostileAnswer(c, approval, foreign);
			let answered = false;
			await tally
				.checkAsync(async () => {
					const res = c.channel === 'form' ? await postForm(url, body as FormFields) : await postWebhook(url, body);
					await res.arrayBuffer();
					if (res.status >= 400) {
						refused += 1;
						// Refused by n8n (a form it will not take): the change is still waiting, nothing was decided.
						expect(await status(id)).toBe('waiting');
						expect((await audit(id)).map((r) => r.decision)).toEqual(['needs_approval']);
						// Closed by a checker's rejection, which still ends on Change Rejected.
						const close = c.channel === 'form' ? await submitForm(url, { decision: 'Reject', code: codeOf(approval, CAROL) }) : await postWebhook(url, { Decision: 'Reject', 'Approval Code': codeOf(approval, CAROL) });
						await close.arrayBuffer();
						await expectRejectedAndAudited(id, ['checkerRejected']);
					} else {
						await expectRejectedAndAudited(id, codes);
					}
					answered = true;
				})
				.catch((error: Error) => failures.push(`${label}, answer: ${error.message}`));

			// 3. A valid approval replayed once the execution ended: nothing runs again, nothing is added to the audit.
			if (answered) {
				await tally
					.checkAsync(async () => {
						const before = await execution(id);
						const res = await validApproval(c.channel, approval)(url);
						await res.arrayBuffer();
						await sleep(300);
						const after = await execution(id);
						expect(after.status).toBe(before.status);
						expect(ran(after, 'Apply Change')).toBe(false);
						expect(after.data?.resultData?.runData?.['Verify Approval']).toHaveLength(1);
						expect((await audit(id)).map((r) => r.decision)).toEqual(['needs_approval', 'rejected']);
					})
					.catch((error: Error) => failures.push(`${label}, replay: ${error.message}`));
			}
		}

		await Promise.all(
			Array.from({ length: PARALLEL }, async () => {
				for (let next = queue.shift(); next; next = queue.shift()) {
					await attempt(next.c, next.i).catch((error: Error) => failures.push(`case ${next!.i} ${describeCase(next!.c)}: ${error.message}`));
				}
			}),
		);
		process.stdout.write(`approvals corpus by kind: ${[...counts].sort().map(([k, n]) => `${k} ${n}`).join(', ')}; answers refused by n8n: ${refused}\n`);
		expect(failures).toEqual([]);
		// Every kind of attack was drawn.
		expect(counts.size).toBe(new Set(KINDS.map((k) => fc.sample(k.attack, 1)[0].kind)).size);
	}, 600_000);

	// Last: it was started before the others, and n8n's wait tracker (every 60 s) ends it while the corpus runs.
	test('the sixth named attack: a Wait that times out is a rejection (noDecision)', async () => {
		await tally.checkAsync(async () => {
			const id = await timedOut!;
			await until('the timed-out execution to finish', async () => (['success', 'error', 'crashed'].includes(await status(id)) ? true : undefined), 150_000);
			const { rejected } = await expectRejectedAndAudited(id, ['noDecision']);
			expect(codesOf(rejected)).toEqual(['noDecision']);
		});
	}, 200_000);

	// ---------------------------------------------------------------------------- building the answers

	type FormFields = { decision?: string; reason?: string; code?: string };

	/** The form page's post (multipart, field-0 Decision, field-1 Reason, field-2 Approval Code), fields may be left out. */
	function postForm(url: string, fields: FormFields): Promise<Response> {
		const form = new FormData();
		if (fields.decision !== undefined) form.append('field-0', fields.decision);
		if (fields.reason !== undefined) form.append('field-1', fields.reason);
		if (fields.code !== undefined) form.append('field-2', fields.code);
		return fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(60_000) });
	}

	/**
	 * The post for one case, and the reason codes the gate must give (on top of never approving). Codes are only
	 * required where the documented rules fix them; otherwise any rejection with reasons will do.
	 */
	function hostileAnswer(c: Case, approval: Approval, foreign: Approval | undefined): { body: FormFields | Record<string, unknown>; codes: string[] } {
		const checkers = [BOB, CAROL];
		const a = c.attack;
		const asBody = (decision: unknown, code: unknown, extra: Record<string, unknown> = {}) =>
			c.channel === 'form' ? ({ decision: decision as string, code: code as string, reason: (extra.Reason as string | undefined) ?? '' } as FormFields) : { Decision: decision, 'Approval Code': code, ...extra };
		switch (a.kind) {
			case 'randomCode':
				return { body: asBody('Approve', a.code), codes: a.code.trim() ? ['checkerSignatureInvalid'] : [] };
			case 'tamperedCode':
				return { body: asBody('Approve', tampered(codeOf(approval, checkers[a.checker]), a.how, a.at)), codes: ['checkerSignatureInvalid'] };
			case 'foreignCode': {
				// The code a checker received for another execution (the one before; for the first, one signed for a token of another change).
				const code = foreign ? codeOf(foreign, checkers[a.checker]) : checkerSignature(SECRET, `${approval.token}x`, checkers[a.checker]);
				return { body: asBody('Approve', code), codes: ['checkerSignatureInvalid'] };
			}
			case 'nonCheckerCode':
				return { body: asBody('Approve', checkerSignature(SECRET, approval.token, a.who)), codes: ['checkerSignatureInvalid'] };
			case 'makerCode':
				// Signed (with the real secret) for the maker under a look-alike address that normalises to the maker.
				return { body: asBody('Approve', checkerSignature(SECRET, approval.token, a.alias)), codes: ['selfApproval'] };
			case 'typedLookAlike':
				return { body: { Decision: 'Approve', 'Approval Code': codeOf(approval, checkers[a.checker]), Checker: a.typed }, codes: ['checkerSignatureInvalid', 'checkerNotAllowed'] };
			case 'typedMaker': {
				const code = a.codeOf === 'maker' ? checkerSignature(SECRET, approval.token, MAKER) : codeOf(approval, BOB);
				return { body: { Decision: 'Approve', 'Approval Code': code, Checker: a.typed }, codes: a.codeOf === 'maker' ? ['selfApproval'] : ['selfApproval', 'checkerSignatureInvalid'] };
			}
			case 'otherDecision':
				return { body: asBody(a.decision, codeOf(approval, BOB)), codes: [] };
			case 'hostileText': {
				const text = a.big ? a.text.repeat(Math.ceil(a.big / Math.max(1, a.text.length))).slice(0, a.big) : a.text;
				// Approve with a code that is not a checker's, or reject: either way nothing is approved.
				return a.decision === 'Approve'
					? { body: asBody('Approve', text || 'x', { Reason: text }), codes: (text || 'x').trim() ? ['checkerSignatureInvalid'] : [] }
					: { body: asBody('Reject', codeOf(approval, BOB), { Reason: text }), codes: ['checkerRejected'] };
			}
			case 'missingFields': {
				const body: Record<string, unknown> = {};
				const fields: FormFields = {};
				if (a.keep.decision) (body.Decision = 'Approve'), (fields.decision = 'Approve');
				if (a.keep.code) (body['Approval Code'] = codeOf(approval, BOB)), (fields.code = codeOf(approval, BOB));
				if (a.keep.reason) (body.Reason = 'looks fine'), (fields.reason = 'looks fine');
				return { body: c.channel === 'form' ? fields : body, codes: [] };
			}
			case 'wrongTypes':
				return { body: { Decision: a.decision, 'Approval Code': a.code }, codes: [] };
		}
	}
});
