import { SyncError } from '../../../lib/errors';
import { diffValues, DRY_RUN_ACTION, planRecords, type ExistingRecord, type ValueRules } from '../../../lib/sync';

/**
 * The service-neutral planner with hand-worked cases. Values here are numbers or null compared by value, so the rules
 * passed in (not the planner) decide what "equal" and "empty" mean.
 */

type V = number | string | null;

const rules: ValueRules<V> = {
	service: 'internal',
	serviceLabel: 'Test',
	record: 'entry',
	records: 'entries',
	ids: 'ids',
	duplicateHint: 'remove one',
	archiveHint: 'check the input',
	// Case-insensitive for strings: a rule of the adapter, which the planner must follow.
	equal: (a, b) => (typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : a === b),
	isEmpty: (v) => v === null || v === '',
	display: (v) => (v === null ? '(empty)' : v),
};

const rec = (id: string, key: string | null, values: Record<string, V>, createdTime?: string): ExistingRecord<V> => ({ id, key, values, createdTime });
const want = (index: number, key: string, values: Record<string, V>) => ({ index, key, values });

describe('diffValues', () => {
	it('lists only the fields whose value differs, with from/to as the adapter displays them', () => {
		const diff = diffValues({ a: 1, b: 'X', c: null, d: 4 }, { a: 1, b: 'x', c: 3, d: 5 }, rules);
		expect(diff.changed).toEqual(['c', 'd']);
		expect(diff.changes).toEqual({ c: { from: 3, to: '(empty)' }, d: { from: 5, to: 4 } });
	});

	it('on create leaves empty values out; a field the existing record lacks counts as changed', () => {
		expect(diffValues({ a: 1, b: null, c: '' }, undefined, rules).changed).toEqual(['a']);
		expect(diffValues({ a: null }, {}, rules)).toEqual({ changed: ['a'], changes: { a: { from: null, to: '(empty)' } } });
	});

	it('fields named __proto__, constructor or toString are fields like any other', () => {
		// Found by the reliability suite (bad-input): `changes.__proto__ = ...` set the prototype instead of a field, and
		// an existing record without `constructor` read Object.prototype's (the Object function) as its value.
		const desired = JSON.parse('{"__proto__": 1, "constructor": 2, "toString": "x"}') as Record<string, V>;
		const created = diffValues(desired, undefined, rules);
		expect(created.changed).toEqual(['__proto__', 'constructor', 'toString']);
		expect(Object.keys(created.changes)).toEqual(['__proto__', 'constructor', 'toString']);
		expect(Object.getPrototypeOf(created.changes)).toBe(Object.prototype);
		const updated = diffValues(desired, { toString: 'X' }, rules);
		expect(updated.changed).toEqual(['__proto__', 'constructor']);
		expect(Object.getOwnPropertyDescriptor(updated.changes, '__proto__')?.value).toEqual({ from: null, to: 1 });
		expect(updated.changes.constructor).toEqual({ from: null, to: 2 });
		expect(({} as Record<string, unknown>).to).toBeUndefined();
	});
});

describe('planRecords', () => {
	it('creates, updates only what changed, leaves equal records alone, in input order', () => {
		const existing = [rec('r1', 'k1', { n: 1, s: 'A' }), rec('r2', 'k2', { n: 2, s: 'b' })];
		const plan = planRecords(existing, [want(0, 'k2', { n: 3, s: 'B' }), want(1, 'k1', { n: 1, s: 'a' }), want(2, 'k3', { n: 9, s: null })], rules);
		expect(plan.records.map((r) => [r.index, r.action, r.target?.id, r.changed])).toEqual([
			[0, 'update', 'r2', ['n']],
			[1, 'unchanged', 'r1', []],
			[2, 'create', undefined, ['n']],
		]);
		expect(plan.records[0].changes).toEqual({ n: { from: 2, to: 3 } });
		expect(plan.archive).toEqual([]);
		expect(plan.duplicateKeys).toEqual([]);
	});

	it('passes failed inputs through and fails a key used twice in the input, naming the first item', () => {
		const failed = { index: 0, key: 'k0', error: new SyncError('bad value') };
		const plan = planRecords([], [failed, want(1, 'k1', { n: 1 }), want(2, 'k1', { n: 2 })], rules);
		expect(plan.records.map((r) => r.action)).toEqual(['failed', 'create', 'failed']);
		expect(plan.records[0].error?.message).toBe('bad value');
		expect(plan.records[2].error).toBeInstanceOf(SyncError);
		expect(plan.records[2].error).toMatchObject({ service: 'internal', itemIndex: 2, field: 'key', message: "Item 2 has the same key 'k1' as item 1; each key may appear once per run" });
	});

	it('several existing records with one key fail the item, or update the oldest and name the others', () => {
		const existing = [rec('b', 'k', { n: 1 }, '2026-11-03T00:00:00Z'), rec('a', 'k', { n: 1 }, '2026-11-02T00:00:00Z'), rec('c', 'k', { n: 1 }, '2026-11-03T00:00:00Z')];
		const plan = planRecords(existing, [want(0, 'k', { n: 2 })], rules);
		expect(plan.records[0]).toMatchObject({ action: 'failed', duplicates: ['a', 'b', 'c'] });
		expect(plan.records[0].error?.message).toBe("3 Test entries share the key 'k' (ids a, b, c); remove one");
		expect(plan.duplicateKeys).toEqual([{ key: 'k', ids: ['a', 'b', 'c'] }]);
		const oldest = planRecords(existing, [want(0, 'k', { n: 2 })], rules, { onDuplicate: 'updateOldest' });
		expect(oldest.records[0]).toMatchObject({ action: 'update', duplicates: ['b', 'c'], changed: ['n'] });
		expect(oldest.records[0].target?.id).toBe('a');
	});

	it('mirror: archives keyed records the input does not name, never blank-key ones, and only in mirror mode', () => {
		const existing = [rec('r1', 'k1', {}), rec('r2', 'k2', {}), rec('r3', null, {}), ...['k3', 'k4', 'k5', 'k6', 'k7', 'k8'].map((k, i) => rec(`x${i}`, k, {}))];
		const input = [want(0, 'k1', {}), ...['k3', 'k4', 'k5', 'k6', 'k7', 'k8'].map((k, i) => want(i + 1, k, {}))];
		const plan = planRecords(existing, input, rules, { mirror: true });
		expect(plan.archive.map((r) => r.id)).toEqual(['r2']);
		expect(plan.blankKeyRecords).toBe(1);
		expect(plan.archiveRefused).toBeUndefined();
		expect(planRecords(existing, input, rules).archive).toEqual([]);
	});

	it('mirror: an empty input never archives, nor an input with an item whose key is unknown; a failed item with a key keeps its record', () => {
		const existing = [rec('r1', 'k1', {}), rec('r2', 'k2', {})];
		const empty = planRecords(existing, [], rules, { mirror: true });
		expect(empty.archive).toEqual([]);
		expect(empty.archiveSkipped).toBe('the input is empty, and an empty input never archives entries');
		const keyless = planRecords(existing, [want(0, 'k1', {}), { index: 1, error: new SyncError('no key') }], rules, { mirror: true });
		expect(keyless.archive).toEqual([]);
		expect(keyless.archiveSkipped).toBe('1 input item(s) failed before their key was known, so no entry was archived');
		const keyed = planRecords(existing, [want(0, 'k1', {}), { index: 1, key: 'k2', error: new SyncError('bad') }], rules, { mirror: true, maxArchiveShare: 1 });
		expect(keyed.archive).toEqual([]);
	});

	it('mirror: refuses to archive more than the allowed share of keyed records unless told to', () => {
		// 5 keyed records (+1 blank), input names 3: archiving 2 of 5 = 40 % > 20 % (default).
		const existing = [...['a', 'b', 'c', 'd', 'e'].map((k) => rec(k, k, {})), rec('blank', null, {})];
		const input = [want(0, 'a', {}), want(1, 'b', {}), want(2, 'c', {})];
		const refused = planRecords(existing, input, rules, { mirror: true });
		expect(refused.archive.map((r) => r.id)).toEqual(['d', 'e']);
		expect(refused.archiveRefused).toBe('Mirror would archive 2 of 5 entries (40 %), more than the allowed 20 %, so nothing was written. check the input');
		expect(planRecords(existing, input, rules, { mirror: true, maxArchiveShare: 0.4 }).archiveRefused).toBeUndefined();
		expect(planRecords(existing, input, rules, { mirror: true, allowMassArchive: true }).archiveRefused).toBeUndefined();
	});

	it('dry-run words for each planned action', () => {
		expect(DRY_RUN_ACTION).toEqual({ create: 'wouldCreate', update: 'wouldUpdate', unchanged: 'unchanged', failed: 'failed' });
	});
});
