/**
 * The n8n editor as a tested surface: headless Chromium (Debian's, through playwright-core) against a real n8n
 * server on each host, with the package installed, the sandbox credentials imported and every bundled workflow
 * imported (review sub-workflows and the error logger published, as npm start does). One server and one browser per
 * host, shared by the tests below in order: the owner signs in through the sign-in page; every bundled workflow opens
 * with every node drawn as a known, installed node without an issue marker (and the detector does flag unknown
 * types); each of the package's nodes opens its panel with the Resource / Operation options of its description and
 * its "From List" resource locator filled from the sandbox; Customer Status Sync runs from the editor's button; an
 * approval waits in the executions list, the checker answers the Wait form in the browser, and the execution ends.
 * With SCREENSHOTS_DIR set, PNGs of the canvases, the node panels and the approval form are saved there.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Browser, BrowserContext, Page } from 'playwright-core';

import { AZURE_PIPELINE_DATABASE, CONFIG_CHANGES_DATABASE, CUSTOMER_STATUS_DATABASE, RUNBOOKS_DATABASE } from '../../lib/pipelines/notionDatabases';
import { codeOf, output, ran, type Approval, type Execution } from '../e2e/approvals';
import { createN8nInstance, hostVersions, OWNER, poll, REPO_ROOT, type N8nInstance } from '../e2e/harness';
import { bundledWorkflow, isErrorWorkflow, isSubWorkflow } from '../e2e/pipelines';
import { sandboxCredentials } from '../e2e/sandboxCredentials';
import { startSandbox, type Sandbox } from '../sandbox';
import { CHECKERS, MAKER } from '../sandbox/workspace';
import { chromiumVersion, findChromium, launchChromium, newContext } from './chromium';
import {
	canvasNode,
	canvasNodeStates,
	chooseMatchingColumn,
	closeNodePanel,
	listOptions,
	listResourceLocatorItems,
	openNodePanel,
	openWorkflow,
	resourceMapperColumns,
	parameterInput,
	screenshot,
	shownCredentials,
	signIn,
} from './editor';
import { expectedOptions, MAPPER_WORKFLOW_ID, mapperWorkflow, PACKAGE_NODE_CASES, PACKAGE_NODES_WORKFLOW_ID, packageNodesWorkflow } from './packageNodes';
import { hubSpotMapperFields, type MapperProperty } from '../../nodes/HubSpotCrm/methods/resourceMapping';
import { notionMapperFields } from '../../nodes/NotionSync/methods/resourceMapping';
import { SANDBOX_CREDENTIALS } from '../sandbox/credentials';

const [BOB] = CHECKERS;

/** Every bundled workflow with its file name (`customer-status-sync`), in file order. */
const BUNDLED = fs
	.readdirSync(path.join(REPO_ROOT, 'workflows'))
	.filter((f) => f.endsWith('.json'))
	.sort()
	.map((f) => ({ file: f.replace(/\.json$/, ''), workflow: bundledWorkflow(f) }));
const bundled = (file: string) => BUNDLED.find((b) => b.file === file)!.workflow;

/** Nodes the canvas draws as canvas-node (sticky notes are drawn as notes). */
const canvasNodesOf = (workflow: { nodes: Array<{ name: string; type: string }> }) => workflow.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote');

/** A workflow whose node types the server cannot know: the detector must report each of them. */
const UNKNOWN_TYPES_WORKFLOW = {
	id: 'mspBrowserUnknwn',
	name: 'Unknown node types (browser test)',
	nodes: [
		{ id: 'c0000000-0000-4000-8000-000000000001', name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{ id: 'c0000000-0000-4000-8000-000000000002', name: 'Missing Package Node', type: 'n8n-nodes-msp-ops.doesNotExist', typeVersion: 1, position: [240, 0], parameters: {} },
		{ id: 'c0000000-0000-4000-8000-000000000003', name: 'Missing Core Node', type: 'n8n-nodes-base.doesNotExist', typeVersion: 1, position: [480, 0], parameters: {} },
		{ id: 'c0000000-0000-4000-8000-000000000004', name: 'Missing Version', type: 'n8n-nodes-msp-ops.healthScore', typeVersion: 99, position: [720, 0], parameters: {} },
	],
	connections: { Manual: { main: [[{ node: 'Missing Package Node', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
};

describe.each(hostVersions())('the n8n editor in Chromium, n8n %s', (version) => {
	let n8n: N8nInstance;
	let sandbox: Sandbox;
	let browser: Browser;
	let context: BrowserContext;
	let page: Page;
	let baseUrl = '';
	let signedIn = false;
	let started = Date.now();
	/** The page, signed in as the owner through the sign-in page (by the first test, or here when run alone with -t). */
	const editor = async (): Promise<Page> => {
		if (!signedIn) {
			await signIn(page, baseUrl, OWNER);
			signedIn = true;
		}
		return page;
	};

	beforeAll(async () => {
		started = Date.now();
		// First: without a browser there is nothing to test, and the reason must be the failure.
		const executable = findChromium();
		// eslint-disable-next-line no-console
		console.log(`browser tests on n8n ${version}: ${chromiumVersion(executable)} (${executable})`);
		sandbox = await startSandbox();
		n8n = await createN8nInstance(version);
		await n8n.importCredentials(sandboxCredentials(sandbox));
		for (const { workflow } of BUNDLED) await n8n.importWorkflow(workflow);
		// As npm start and the README ask: the review sub-workflows and the Error Workflow are published.
		for (const { workflow } of BUNDLED.filter((b) => isSubWorkflow(b.workflow) || isErrorWorkflow(b.workflow))) await n8n.publishWorkflow(workflow.id);
		await n8n.importWorkflow(packageNodesWorkflow());
		await n8n.importWorkflow(UNKNOWN_TYPES_WORKFLOW);
		await n8n.importWorkflow(mapperWorkflow(sandbox.workspace!.configChanges.databaseId, CONFIG_CHANGES_DATABASE.title));
		baseUrl = (await n8n.startServer()).url;
		await n8n.ownerCookie(); // sets the owner account up (REST); the browser signs in with it below
		browser = await launchChromium();
		context = await newContext(browser);
		page = await context.newPage();
	}, 15 * 60_000);

	afterAll(async () => {
		await browser?.close();
		await n8n?.stop();
		await sandbox?.stop();
		// eslint-disable-next-line no-console
		console.log(`browser tests on n8n ${version}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
	});

	test('the owner signs in through the sign-in page', async () => {
		await signIn(page, baseUrl, OWNER);
		signedIn = true;
		expect(new URL(page.url()).pathname).not.toMatch(/signin|setup/);
		// The session is the browser's own: the REST API answers the page as the owner.
		const me = await page.evaluate(async () => {
			const res = await fetch('/rest/login', { headers: { 'browser-id': localStorage.getItem('n8n-browserId') ?? '' } });
			return { status: res.status, body: (await res.json()) as { data?: { email?: string; role?: string } } };
		});
		expect([me.status, me.body.data?.email]).toEqual([200, OWNER.email]);
	});

	test.each(BUNDLED.map((b) => b.file))('workflows/%s.json opens with every node rendered as a known node without issues', async (file) => {
		await editor();
		const workflow = bundled(file);
		const expected = canvasNodesOf(workflow);
		await openWorkflow(page, baseUrl, workflow.id, expected.length);
		const states = await canvasNodeStates(page);
		expect(states.map((s) => s.name).sort()).toEqual(expected.map((n) => n.name).sort());
		// Each node under its type, and nothing wrong with any of them.
		expect(states.map((s) => [s.name, s.type]).sort()).toEqual(expected.map((n) => [n.name, n.type]).sort());
		expect(states.filter((s) => s.problems.length)).toEqual([]);
		await screenshot(page, `workflow-${file}`);
	});

	test('the detector reports node types the server does not know', async () => {
		await editor();
		await openWorkflow(page, baseUrl, UNKNOWN_TYPES_WORKFLOW.id, UNKNOWN_TYPES_WORKFLOW.nodes.length);
		const states = new Map((await canvasNodeStates(page)).map((s) => [s.name, s.problems]));
		expect(states.get('Manual')).toEqual([]);
		expect(states.get('Missing Package Node')).toEqual(expect.arrayContaining(['not installed', expect.stringMatching(/^unknown type/)]));
		expect(states.get('Missing Core Node')).toEqual(expect.arrayContaining([expect.stringMatching(/^unknown type/)]));
		expect(states.get('Missing Version')).toEqual(expect.arrayContaining([expect.stringMatching(/^icon not loaded/)]));
	});

	/** What each "From List" must hold: the sandbox's sites, organizations and seeded databases. */
	const expectedItems = (method: string): string[] => {
		const world = sandbox.world;
		if (method === 'searchSites') return world.sites.map((s) => s.customerName);
		if (method === 'searchOrganizations') return world.ninjaOrganizations.map((o) => o.name);
		if (method === 'searchDatabases') return [CONFIG_CHANGES_DATABASE.title, AZURE_PIPELINE_DATABASE.title, RUNBOOKS_DATABASE.title];
		throw new Error(`no expectation for ${method}`);
	};
	/** As a browser shows text: runs of white space as one space, no leading or trailing space. */
	const shown = (names: string[]) => names.map((n) => n.replace(/\s+/g, ' ').trim()).sort();

	// Before any pipeline runs, so the Notion workspace holds only the seeded databases.
	test.each(PACKAGE_NODE_CASES.map((c) => [c.type, c] as const))('%s: its panel shows the Resource and Operation options of its description, and its list', async (_type, node) => {
		await editor();
		await openWorkflow(page, baseUrl, PACKAGE_NODES_WORKFLOW_ID, PACKAGE_NODE_CASES.length + 1);
		try {
			const panel = await openNodePanel(page, node.name);
			await expect(panel.getByTestId('parameter-item').count()).resolves.toBeGreaterThan(0);
			// The node's credential is selected by name (an id shown instead means the editor cannot offer it).
			const credentials = Object.values(node.credentials ?? {}).map((c) => c.name);
			expect(await shownCredentials(page)).toEqual(credentials);
			const want = expectedOptions(node.type, node.parameters);
			// n8n adds "Custom API Call" to the Resource and Operation lists of nodes whose credential it can use in
			// the HTTP Request node; everything else must be the description's options, in its order.
			const ours = (names: string[]) => names.filter((n) => n !== 'Custom API Call');
			for (const parameter of ['resource', 'operation'] as const) {
				if (want[parameter].length) expect([parameter, ours(await listOptions(page, parameter))]).toEqual([parameter, want[parameter]]);
				else expect([parameter, await parameterInput(page, parameter).count()]).toEqual([parameter, 0]);
			}
			if (node.list) {
				const items = await listResourceLocatorItems(page, node.list.parameter);
				expect(shown(items)).toEqual(shown(expectedItems(node.list.method)));
			}
			await screenshot(page, `node-${node.type}`);
		} finally {
			await closeNodePanel(page).catch(() => undefined);
		}
	});

	test('the Properties mappers of Notion Sync and HubSpot CRM load the columns from the sandbox and offer the ones to match on', async () => {
		await editor();
		await openWorkflow(page, baseUrl, MAPPER_WORKFLOW_ID, 3);
		const writable = (fields: ReturnType<typeof notionMapperFields>) => fields.filter((f) => !f.removed);
		try {
			// Notion: the seeded Config Changes database, chosen by id.
			await openNodePanel(page, 'Notion Upsert');
			const notion = writable(notionMapperFields(CONFIG_CHANGES_DATABASE.schema()));
			const shownNotion = await resourceMapperColumns(page);
			expect(shown(shownNotion.fields)).toEqual(shown(notion.map((f) => f.displayName)));
			expect(shown(shownNotion.matchable)).toEqual(shown(notion.filter((f) => f.canBeUsedToMatch).map((f) => f.displayName)));
			await chooseMatchingColumn(page, CONFIG_CHANGES_DATABASE.key);
			await screenshot(page, 'notion-sync-mapper');
			await closeNodePanel(page);

			// HubSpot: the company properties the sandbox account lists.
			const listed = await fetch(`${sandbox.urls.hubspot}/crm/v3/properties/companies`, { headers: { authorization: `Bearer ${SANDBOX_CREDENTIALS.hubspotToken}` } });
			const properties = ((await listed.json()) as { results: MapperProperty[] }).results;
			const hubspot = writable(hubSpotMapperFields(properties, 'companies'));
			expect(hubspot.length).toBeGreaterThan(1);
			await openNodePanel(page, 'HubSpot Upsert');
			const shownHubSpot = await resourceMapperColumns(page);
			expect(shown(shownHubSpot.fields)).toEqual(shown(hubspot.map((f) => f.displayName)));
			expect(shown(shownHubSpot.matchable)).toEqual(shown(hubspot.filter((f) => f.canBeUsedToMatch).map((f) => f.displayName)));
			expect(shownHubSpot.matchable.some((m) => m.includes('(domain)'))).toBe(true);
			await chooseMatchingColumn(page, '(domain)');
			await screenshot(page, 'hubspot-mapper');
			await closeNodePanel(page);

			// A bundled upsert: its database comes from an expression (Ensure Database's output), so the panel shows the
			// columns stored in the workflow: Map Automatically, matching on the preset's key, and no issue.
			const customerStatus = bundled('customer-status-sync');
			await openWorkflow(page, baseUrl, customerStatus.id, canvasNodesOf(customerStatus).length);
			const panel = await openNodePanel(page, 'Upsert Customer Status');
			await expect(panel.getByTestId('mapping-mode-select').locator('input').first().inputValue()).resolves.toBe('Map Automatically');
			await expect(panel.getByTestId('matching-column-select').locator('input').first().inputValue()).resolves.toBe(CUSTOMER_STATUS_DATABASE.key);
			await closeNodePanel(page);
			// After the panel loaded (and tried to refresh) its columns, the node still shows no issue on the canvas.
			expect((await canvasNodeStates(page)).find((n) => n.name === 'Upsert Customer Status')?.problems).toEqual([]);
		} finally {
			await closeNodePanel(page).catch(() => undefined);
		}
	});

	test('Customer Status Sync runs from the editor\'s execute button and succeeds', async () => {
		await editor();
		const workflow = bundled('customer-status-sync');
		await openWorkflow(page, baseUrl, workflow.id, canvasNodesOf(workflow).length);
		const executionId = await executeFromTrigger(page, 'Run Now');
		await expectSuccessToast(page);
		// Every node that produced data carries the success marker; the schedule trigger did not run.
		const succeeded = await page.getByTestId('canvas-node-status-success').count();
		expect(succeeded).toBeGreaterThanOrEqual(canvasNodesOf(workflow).length - 2);
		await expect(canvasNode(page, 'Every 15 Minutes').getByTestId('canvas-node-status-success').count()).resolves.toBe(0);
		expect((await canvasNodeStates(page)).filter((s) => s.problems.length)).toEqual([]);
		const execution = await n8n.finishedExecution<Execution>(executionId, 5 * 60_000);
		expect(execution.status).toBe('success');
		expect(output(execution, 'Health Score')).toHaveLength(sandbox.world.sites.length);
	}, 10 * 60_000);

	test('an approval waits in the executions list; the checker answers the Wait form in the browser and the execution ends', async () => {
		await editor();
		const main = bundled('config-change-sync');
		const review = bundled('config-change-review');
		await openWorkflow(page, baseUrl, main.id, canvasNodesOf(main).length);
		const mainExecution = await executeFromTrigger(page, 'Run Now');
		await expectSuccessToast(page);
		expect((await n8n.finishedExecution(mainExecution)).status).toBe('success');

		// The review executions the run started: those that need a checker wait at the Wait node's form.
		const needsApproval = sandbox.workspace!.configChanges.proposed.filter((c) => c.expect === 'needsApproval').length;
		const reviews = await poll(
			'the review executions to finish or wait',
			async () => {
				const list = await n8n.executions(review.id);
				const settled = list.filter((e) => ['success', 'error', 'crashed', 'waiting'].includes(e.status));
				return list.length === sandbox.workspace!.configChanges.proposed.length && settled.length === list.length ? list : undefined;
			},
			180_000,
		);
		const waiting = reviews.filter((e) => e.status === 'waiting');
		expect(waiting).toHaveLength(needsApproval);
		const { id: executionId } = waiting[waiting.length - 1];
		const before = await n8n.publicApi<Execution>('GET', `/executions/${executionId}?includeData=true`);
		const approval = output(before, 'Evaluate Change', 1)[0].json.approval as Approval;
		const sent = output(before, 'Send Code to Checker (add Email or Slack)').map((i) => i.json as { checker: string; approvalCode: string });
		const code = sent.find((s) => s.checker === BOB)!.approvalCode;
		expect(code).toBe(codeOf(approval, BOB));

		// The editor's executions list of the review workflow shows it waiting, and so does the execution itself.
		await page.goto(`${baseUrl}/workflow/${review.id}/executions/${executionId}`);
		const listed = page.getByTestId(`execution-details-${executionId}`);
		await listed.waitFor({ timeout: 60_000 });
		await expect(listed.innerText()).resolves.toMatch(/Waiting/i);
		await page.getByTestId('execution-preview-label').or(page.getByText(/^Waiting$/)).first().waitFor({ timeout: 30_000 });

		// The checker, in a browser of their own (no n8n session), opens the form link and approves with their code.
		const checker = await newContext(browser);
		try {
			const form = await checker.newPage();
			await form.goto(approval.formUrl);
			await form.getByLabel('Decision').waitFor({ timeout: 30_000 });
			// The form shows the checker what they approve: the change and who asked for it.
			await expect(form.locator('form').innerText()).resolves.toContain(`requested by ${MAKER}`);
			await form.getByLabel('Decision').selectOption('Approve');
			await form.getByLabel('Reason').fill('Approved in the browser test');
			await form.getByLabel('Approval Code').fill(code);
			await screenshot(form, 'approval-form');
			await form.locator('#submit-btn, button[type="submit"]').first().click();
			await form.getByText(/Form Submitted|Your response has been recorded|submitted/i).first().waitFor({ timeout: 60_000 });
		} finally {
			await checker.close();
		}

		// The execution ends: through the REST API, and in the editor's list.
		const after = await n8n.finishedExecution<Execution>(executionId, 120_000);
		expect(after.status).toBe('success');
		expect(ran(after, 'Checker Approved Row')).toBe(true);
		const changeId = output(after, 'Change Request')[0].json.changeId as string;
		const row = sandbox.notion!.rows(sandbox.workspace!.configChanges.dataSourceId).find((r) => r.properties['Change ID'] === changeId)!;
		expect([row.properties.Status, row.properties['Decided By']]).toEqual(['Approved', BOB]);
		await page.goto(`${baseUrl}/workflow/${review.id}/executions/${executionId}`);
		await poll(
			'the executions list to show the execution succeeded',
			async () => ((await page.getByTestId(`execution-details-${executionId}`).innerText().catch(() => '')).match(/Succeeded|Success/i) ? true : undefined),
			60_000,
		);
	}, 10 * 60_000);
});

/**
 * Presses the Execute Workflow button of trigger `triggerNode` (shown on the trigger when hovered; the same on
 * 2.8.4 and 2.41.1) and returns the id of the execution the editor started.
 */
async function executeFromTrigger(page: Page, triggerNode: string): Promise<string> {
	await canvasNode(page, triggerNode).hover();
	const button = page.getByTestId(`execute-workflow-button-${triggerNode}`);
	await button.waitFor({ timeout: 15_000 });
	const [response] = await Promise.all([
		page.waitForResponse((r) => /\/rest\/workflows\/[^/]+\/run/.test(r.url()) && r.request().method() === 'POST', { timeout: 60_000 }),
		button.click(),
	]);
	const body = (await response.json()) as { data?: { executionId?: string } };
	expect(response.status()).toBe(200);
	const id = body.data?.executionId;
	if (!id) throw new Error(`the editor's run request answered without an execution id: ${JSON.stringify(body)}`);
	return String(id);
}

/** Waits for the editor's "Workflow executed successfully" toast (fails on an error toast). */
async function expectSuccessToast(page: Page): Promise<void> {
	const toast = page.locator('.el-notification').filter({ hasText: /executed successfully|Problem|error/i }).first();
	await toast.waitFor({ timeout: 5 * 60_000 });
	expect(await toast.innerText()).toMatch(/Workflow executed successfully/);
}
