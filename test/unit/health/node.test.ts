import { constructExecutionMetaData, returnJsonArray } from 'n8n-core';
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { DEFAULT_HEALTH_SETTINGS } from '../../../lib/health';
import { HealthScore } from '../../../nodes/HealthScore/HealthScore.node';
import { orgRecord as org, siteRecord as site } from './records';

function run(inputs: unknown[], params: Record<string, unknown> = {}, continueOnFail = false) {
	const items: INodeExecutionData[] = inputs.map((json) => ({ json: json as INodeExecutionData['json'] }));
	const ctx = {
		getInputData: () => items,
		getNode: () => ({ id: 'h', name: 'Health Score', type: 'n8n-nodes-msp-ops.healthScore', typeVersion: 1, position: [0, 0], parameters: {} }),
		continueOnFail: () => continueOnFail,
		getNodeParameter: (name: string, _i: number, fallback?: unknown) => (name in params ? params[name] : fallback),
		helpers: { constructExecutionMetaData, returnJsonArray },
	} as unknown as IExecuteFunctions;
	return new HealthScore().execute.call(ctx);
}

describe('Health Score node', () => {
	const description = new HealthScore().description;

	test('parameter defaults shown in the editor are the model defaults', () => {
		const options = (description.properties.find((p) => p.name === 'options') as INodeProperties).options as INodeProperties[];
		for (const option of options) expect([option.name, option.default]).toEqual([option.name, DEFAULT_HEALTH_SETTINGS[option.name as keyof typeof DEFAULT_HEALTH_SETTINGS]]);
		// Every setting but the weights is an option (the weights have their own collection).
		expect(options.map((o) => o.name).sort()).toEqual(Object.keys(DEFAULT_HEALTH_SETTINGS).filter((k) => k !== 'weights').sort());
		const weights = (description.properties.find((p) => p.name === 'weights') as INodeProperties).options as INodeProperties[];
		expect(weights).toHaveLength(9);
		for (const w of weights) expect([w.name, w.default]).toEqual([w.name, DEFAULT_HEALTH_SETTINGS.weights[w.name as keyof typeof DEFAULT_HEALTH_SETTINGS.weights]]);
	});

	test('two outputs: scores paired with their site and organization items, unmatched paired with theirs', async () => {
		const [scores, unmatched] = await run([site('s1', 'Alpha'), site('s2', 'Beta'), org(1, 'Alpha Inc'), org(2, 'Gamma')]);
		expect(description.outputNames).toEqual(['Scores', 'Unmatched']);
		expect(scores.map((i) => [i.json.siteId, i.json.organizationId, i.json.status, i.pairedItem])).toEqual([
			['s1', 1, 'Healthy', [{ item: 0 }, { item: 2 }]],
			['s2', null, 'Healthy', [{ item: 1 }]],
		]);
		expect(unmatched.map((i) => [i.json.source, i.json.id, i.pairedItem])).toEqual([
			['unifi', 's2', [{ item: 1 }]],
			['ninjaone', '2', [{ item: 3 }]],
		]);
	});

	test('mapping parameter as JSON text (list or object form), and settings from options and weights', async () => {
		const inputs = [site('s1', 'Alpha'), org(1, 'Alpha'), org(2, 'Other')];
		const [byList] = await run(inputs, { siteMapping: '[{"site": "s1", "organization": 2}]' });
		expect(byList[0].json).toMatchObject({ organizationId: 2, matchedBy: 'mapping' });
		const [byObject] = await run(inputs, { siteMapping: { Alpha: 'Other' } });
		expect(byObject[0].json).toMatchObject({ organizationId: 2, matchedBy: 'mapping' });
		const [nameOnly] = await run(inputs, { matchBy: ['name'], siteMapping: '[{"site": "s1", "organization": 2}]' });
		expect(nameOnly[0].json).toMatchObject({ organizationId: 1, matchedBy: 'name' });
		const [strict] = await run([{ ...site('s1', 'A'), devices: { total: 4, offline: 1, offlineGateways: 0, pendingUpdates: 0 } }], {
			options: { healthyMinScore: 95 },
			weights: { firmware: 0, wan: 0, notifications: 0 },
		});
		expect(strict[0].json).toMatchObject({ score: 75, status: 'Warning' });
	});

	test.each([
		[{ siteMapping: '[{"site": "s1"}]' }, "Invalid parameter 'Site Mapping' (JSON)"],
		[{ siteMapping: '{not json' }, "Invalid parameter 'Site Mapping' (JSON)"],
		[{ options: { warningMinScore: 99 } }, 'warningMinScore: expected a value <= healthyMinScore (90)'],
		[{ options: { wifiTxRetryBadPercent: 5 } }, 'wifiTxRetryBadPercent: expected a value above wifiTxRetryGoodPercent (5)'],
		[{ matchBy: ['magic'] }, "Invalid parameter 'Join Sites and Organizations By'"],
	])('bad parameter %j stops the node with a clear message', async (params, message) => {
		await expect(run([site('s1', 'A')], params)).rejects.toThrow(message);
	});

	test('a bad parameter names item 0 (parameters are read there), or becomes an error item with continueOnFail', async () => {
		const inputs = [site('s1', 'A'), org(1, 'A')];
		for (const params of [{ siteMapping: '{not json' }, { options: { warningMinScore: 99 } }, { matchBy: ['magic'] }]) {
			const error = await run(inputs, params).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect((error as NodeOperationError).context.itemIndex).toBe(0);
			const [scores, unmatched] = await run(inputs, params, true);
			expect(scores).toEqual([{ json: { error: expect.stringMatching(/^Invalid/), details: expect.any(Object) }, pairedItem: { item: 0 } }]);
			expect(unmatched).toEqual([]);
		}
	});

	test('input without site records becomes an error item with continueOnFail', async () => {
		const [scores, unmatched] = await run([org(1, 'A')], {}, true);
		expect(scores).toEqual([{ json: { error: 'No UniFi site records (kind "unifi.site") in the input' }, pairedItem: { item: 0 } }]);
		expect(unmatched).toEqual([]);
	});

	test('an invalid item stops the node naming the item, or becomes an error item with continueOnFail', async () => {
		const inputs = [site('s1', 'A'), { kind: 'unifi.client', siteId: 's1', site: 'default', signalDbm: 'strong' }];
		const error = await run(inputs).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe('Invalid unifi.client record (item 1): signalDbm: expected number, received "strong"');
		expect((error as NodeOperationError).context.itemIndex).toBe(1);
		const [scores] = await run(inputs, {}, true);
		expect(scores[0]).toMatchObject({ json: { error: expect.stringContaining('signalDbm') }, pairedItem: { item: 1 } });
		expect(scores[1].json.siteId).toBe('s1');
	});

	test('WiFi AP TX retry targets from the options reach the score', async () => {
		const inputs = [
			{ ...site('s1', 'A'), hostId: 'H1' },
			{ kind: 'unifi.consoleDevice', hostId: 'H1', siteId: 's1', consoleSiteId: 'cs', consoleSite: 'default', deviceId: 'a1', isAccessPoint: true, isOnline: true, statistics: { radios: [{ frequencyGHz: '5', txRetriesPct: 20 }] } },
		];
		const [scores] = await run(inputs, { options: { wifiTxRetryGoodPercent: 10, wifiTxRetryBadPercent: 30 } });
		// (30-20)/(30-10) = 50
		expect(scores[0].json).toMatchObject({ wifiSource: 'apTxRetries', accessPoints: 1, components: { wifi: { score: 50, reason: '1 of 1 access point above 10% TX retries (worst 20%)' } } });
	});

	test('input without any site records says what to connect', async () => {
		await expect(run([org(1, 'A')])).rejects.toThrow('No UniFi site records (kind "unifi.site") in the input');
		expect(await run([])).toEqual([[], []]);
	});
});
