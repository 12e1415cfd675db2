/**
 * The approval path the Maker/Checker pipelines will use: a running `n8n start`, an active workflow started by a
 * webhook, a Wait node ("On Webhook Call") that parks the execution, and `resumeWaiting` (plain on 2.8.4, signed
 * on 2.41.1) that lets it finish with the approver's payload. Proves the harness can drive it on both hosts.
 */
import { createN8nInstance, hostVersions, poll, type N8nInstance } from './harness';

const workflow = {
	id: 'e2eWaitResume001',
	name: 'Wait for approval (e2e)',
	nodes: [
		{
			id: 'b1000000-0000-4000-8000-000000000001',
			name: 'Change Request',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: 'b1000000-0000-4000-8000-0000000000a1',
			parameters: { httpMethod: 'POST', path: 'e2e-change-request', responseMode: 'onReceived', options: {} },
		},
		{
			id: 'b1000000-0000-4000-8000-000000000002',
			name: 'Wait for Approval',
			type: 'n8n-nodes-base.wait',
			typeVersion: 1.1,
			position: [220, 0],
			webhookId: 'b1000000-0000-4000-8000-0000000000a2',
			parameters: { resume: 'webhook', httpMethod: 'POST', options: {} },
		},
		{ id: 'b1000000-0000-4000-8000-000000000003', name: 'Approved', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [440, 0], parameters: {} },
	],
	connections: {
		'Change Request': { main: [[{ node: 'Wait for Approval', type: 'main', index: 0 }]] },
		'Wait for Approval': { main: [[{ node: 'Approved', type: 'main', index: 0 }]] },
	},
	settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
};

describe.each(hostVersions())('Wait node resume on n8n %s', (version) => {
	let n8n: N8nInstance;

	beforeAll(async () => {
		n8n = await createN8nInstance(version);
		await n8n.importWorkflow(workflow);
		// Published (active) before the server starts, so its webhooks are registered at startup on both hosts.
		await n8n.publishWorkflow(workflow.id);
		await n8n.startServer();
	}, 15 * 60_000);

	afterAll(async () => {
		await n8n?.stop();
	});

	test('a webhook-started execution waits, is resumed with the approval, and finishes', async () => {
		// 2.41 registers the webhooks of published workflows shortly after the server reports ready: retry a 404.
		const started = await poll('the webhook to be registered', async () => {
			const res = await n8n.request('/webhook/e2e-change-request', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ change: 'VLAN 30 on 12 sites' }),
			});
			return res.status === 404 ? undefined : res;
		});
		expect(started.status).toBe(200);

		type Execution = { id: string; status: string; data?: { resultData?: { runData?: Record<string, Array<{ data?: { main?: Array<Array<{ json: Record<string, any> }>> } }>> } } };
		const waiting = await poll('a waiting execution', async () => (await n8n.executions(workflow.id, 'waiting'))[0]);
		expect(waiting.status).toBe('waiting');

		const resumed = await n8n.resumeWaiting(waiting.id, { body: { approved: true, approver: 'checker@msp.example' } });
		expect(resumed.status).toBe(200);

		const done = await poll('the execution to finish', async () => {
			const e = await n8n.publicApi<Execution>('GET', `/executions/${waiting.id}?includeData=true`);
			return e.status === 'success' ? e : undefined;
		});
		const approved = done.data?.resultData?.runData?.Approved?.[0]?.data?.main?.[0]?.[0]?.json;
		expect(approved?.body).toEqual({ approved: true, approver: 'checker@msp.example' });
	}, 5 * 60_000);
});
