import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { byName, matchesFilter } from '../../../nodes/shared/listSearch';
import { readLimit, readLocator } from '../../../nodes/shared/parameters';
import { multiOutputRouterFor, routerFor } from '../../../nodes/shared/router';
import { fakeExecute, rl } from '../unifi/fakeExecute';

const item = (json: IDataObject): INodeExecutionData => ({ json });

describe('node helpers shared by every node (nodes/shared)', () => {
	it('the list-search filter matches any given text, ignoring case; no filter matches everything', () => {
		expect(matchesFilter(undefined, 'Acme')).toBe(true);
		expect(matchesFilter('', 'Acme')).toBe(true);
		expect(matchesFilter('acm', 'Other', 'ACME Dental')).toBe(true);
		expect(matchesFilter('zzz', 'Acme', null, undefined)).toBe(false);
		expect(byName([{ name: 'b', value: 1 }, { name: 'A', value: 2 }, { name: 'a', value: 3 }]).map((e) => e.name)).toEqual(['a', 'A', 'b']);
	});

	it('Return All + Limit: undefined for all, the limit otherwise, and a named error for a bad limit', () => {
		const ctx = (params: Record<string, unknown>) => fakeExecute({ params, credentials: {} }).ctx;
		expect(readLimit(ctx({ returnAll: true, limit: 0 }), 0, 'unifi', 'listSites')).toBeUndefined();
		expect(readLimit(ctx({ returnAll: false, limit: 7 }), 0, 'unifi', 'listSites')).toBe(7);
		expect(() => readLimit(ctx({ returnAll: false, limit: 0.5 }), 0, 'ninjaone', 'listDevices')).toThrow(/limit/i);
		expect(readLocator(ctx({ site: rl('  abc  ', 'id') }), 'site', 0)).toBe('abc');
	});

	it('routers call the operation named by the parameters and refuse one they do not have', async () => {
		const single = routerFor({ row: { upsert: { execute: async () => [item({ done: 'upsert' })] } } });
		const multi = multiOutputRouterFor({ evaluate: { execute: async () => [[item({ out: 0 })], [item({ out: 1 })]] } });
		const run = (router: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>, params: Record<string, unknown>) =>
			router.call(fakeExecute({ params, credentials: {} }).ctx);
		await expect(run(single, { resource: 'row', operation: 'upsert' })).resolves.toEqual([[item({ done: 'upsert' })]]);
		await expect(run(single, { resource: 'row', operation: 'delete' })).rejects.toThrow('Unsupported operation row/delete');
		// Inherited object keys are not operations.
		await expect(run(single, { resource: 'row', operation: 'toString' })).rejects.toThrow('Unsupported operation row/toString');
		await expect(run(multi, { operation: 'evaluate' })).resolves.toHaveLength(2);
		await expect(run(multi, { operation: 'constructor' })).rejects.toThrow('Unsupported operation constructor');
	});
});
