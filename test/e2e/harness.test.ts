/**
 * Self-test of the e2e harness on each host with n8n's own nodes only (so it holds whatever state the package's
 * nodes are in): credential import (encrypted, id kept), workflow import + `n8n execute` output accessors, and
 * the error of a failing node with exit code 1.
 */
import { createN8nInstance, hostVersions, type N8nInstance } from './harness';

const manual = { id: 'manual', name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };

describe.each(hostVersions())('harness on n8n %s', (version) => {
	let instance: N8nInstance;

	beforeAll(async () => {
		instance = await createN8nInstance(version);
	}, 15 * 60_000);

	afterAll(async () => {
		await instance?.stop();
	});

	test('importCredentials encrypts the data and keeps the id', async () => {
		await instance.importCredentials([{ id: 'e2eHdrCred01', name: 'E2E header', type: 'httpHeaderAuth', data: { name: 'X-Test', value: 'sekrit-e2e' } }]);
		const res = await instance.cli(['export:credentials', '--all', '--decrypted', '--pretty']);
		expect(res.code).toBe(0);
		const exported = JSON.parse(res.stdout.slice(res.stdout.indexOf('['))) as Array<{ id: string; type: string; data: Record<string, unknown> }>;
		expect(exported).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'e2eHdrCred01', type: 'httpHeaderAuth', data: { name: 'X-Test', value: 'sekrit-e2e' } })]));
		const raw = await instance.cli(['export:credentials', '--all']);
		expect(raw.stdout).not.toContain('sekrit-e2e');
	});

	test('execute returns the output items of each node (workflow id kept)', async () => {
		const id = await instance.importWorkflow({
			id: 'e2eHarnessOk01',
			name: 'harness ok',
			nodes: [
				manual,
				{
					id: 'set',
					name: 'Make Items',
					type: 'n8n-nodes-base.code',
					typeVersion: 2,
					position: [200, 0],
					parameters: { jsCode: 'return [1, 2, 3].map((n) => ({ json: { n, square: n * n } }));' },
				},
			],
			connections: { Manual: { main: [[{ node: 'Make Items', type: 'main', index: 0 }]] } },
		});
		expect(id).toBe('e2eHarnessOk01');
		const result = await instance.execute(id);
		process.stderr.write(`[e2e] n8n ${version}: n8n execute took ${result.cli.ms} ms\n`);
		expect(result.status).toBe('success');
		expect(result.cli.code).toBe(0);
		expect(result.nodesRun).toEqual(['Manual', 'Make Items']);
		expect(result.json('Make Items')).toEqual([
			{ n: 1, square: 1 },
			{ n: 2, square: 4 },
			{ n: 3, square: 9 },
		]);
		expect(result.nodeError('Make Items')).toBeUndefined();
		expect(() => result.items('Not There')).toThrow(/has no run 0/);
	});

	test('a failing node: status error, exit 1, nodeError names the message', async () => {
		const result = await instance.run({
			id: 'e2eHarnessErr01',
			name: 'harness error',
			nodes: [
				manual,
				{
					id: 'stop',
					name: 'Fail',
					type: 'n8n-nodes-base.stopAndError',
					typeVersion: 1,
					position: [200, 0],
					parameters: { errorMessage: 'e2e deliberate failure' },
				},
			],
			connections: { Manual: { main: [[{ node: 'Fail', type: 'main', index: 0 }]] } },
		});
		expect(result.status).toBe('error');
		expect(result.cli.code).toBe(1);
		expect(result.nodeError('Fail')?.message).toContain('e2e deliberate failure');
		expect(result.error?.message).toContain('e2e deliberate failure');
	});
});
