import { ValidationError } from '../../../lib/errors';
import { DEFAULT_PROMOTION_SETTINGS, evaluatePromotion, promotionHash, STAGES, type PromotionEvaluation } from '../../../lib/gate';

const now = new Date('2026-03-02T10:00:00Z');
const HOUR = 3_600_000;
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();

const promotion = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
	item: 'branch-router-template v7',
	from: 'lab',
	to: 'prod',
	maker: 'alice@msp.example',
	validation: { passed: 12, failed: 0 },
	...over,
});
const codes = (result: PromotionEvaluation) => result.reasons.map((reason) => reason.code);

describe('evaluatePromotion: every from/to pair', () => {
	// Passing validation and a finished soak, so each pair is decided by the pipeline rule alone.
	const ready = { validation: { passed: 3, failed: 0 }, enteredFromStageAt: ago(48 * HOUR) };
	const pairs: Array<[string, string, string, string[]]> = [
		['lab', 'lab', 'rejected', ['sameStage']],
		['lab', 'prod', 'approved', ['validationPassed']],
		['lab', 'customer', 'rejected', ['stageSkipped']],
		['prod', 'lab', 'approved', ['demotion']],
		['prod', 'prod', 'rejected', ['sameStage']],
		['prod', 'customer', 'needsApproval', ['customerApproval']],
		['customer', 'lab', 'approved', ['demotion']],
		['customer', 'prod', 'approved', ['demotion']],
		['customer', 'customer', 'rejected', ['sameStage']],
	];

	test('the table has all nine pairs', () => {
		expect(pairs.map(([from, to]) => `${from}>${to}`).sort()).toEqual(STAGES.flatMap((from) => STAGES.map((to) => `${from}>${to}`)).sort());
	});

	test.each(pairs)('%s -> %s: %s', (from, to, decision, expected) => {
		const result = evaluatePromotion(promotion({ from, to, ...ready }), now);
		expect(result.decision).toBe(decision);
		expect(codes(result)).toEqual(expected);
	});

	test('skipping a stage says which one and how to go on', () => {
		const result = evaluatePromotion(promotion({ to: 'customer' }), now);
		expect(result.reasons).toEqual([
			{ code: 'stageSkipped', field: 'to', message: 'Promotion lab -> customer skips prod; promote one stage at a time (lab -> prod -> customer)' },
		]);
	});

	test('the same stage without rollback is refused', () => {
		expect(evaluatePromotion(promotion({ to: 'lab' }), now).reasons).toEqual([
			{
				code: 'sameStage',
				field: 'to',
				message: 'Promotion from lab to lab does not change the stage; choose the next stage, or set rollback to return to an earlier version',
			},
		]);
	});
});

describe('evaluatePromotion: lab -> prod needs passing validation', () => {
	test.each([
		['counts, all passing', { passed: 12, failed: 0 }, 'approved', ['validationPassed']],
		['one check passing', [{ name: 'ping gateway', passed: true }], 'approved', ['validationPassed']],
		['missing', undefined, 'rejected', ['validationMissing']],
		['null', null, 'rejected', ['validationMissing']],
		['no checks counted', { passed: 0, failed: 0 }, 'rejected', ['validationEmpty']],
		['an empty list', [], 'rejected', ['validationEmpty']],
		['one failure counted', { passed: 11, failed: 1 }, 'rejected', ['validationFailed']],
		['all failing', { passed: 0, failed: 2 }, 'rejected', ['validationFailed']],
	])('validation %s: %s', (_, validation, decision, expected) => {
		const result = evaluatePromotion(promotion({ validation }), now);
		expect(result.decision).toBe(decision);
		expect(codes(result)).toEqual(expected);
	});

	test('failing checks are named', () => {
		const validation = [
			{ name: 'ping gateway', passed: true },
			{ name: 'DHCP lease', passed: false, detail: 'no offer' },
			{ name: 'guest isolation', passed: false },
		];
		expect(evaluatePromotion(promotion({ validation }), now).reasons).toEqual([
			{ code: 'validationFailed', field: 'validation', message: 'Promotion lab -> prod needs every validation check to pass; 2 of 3 failed: DHCP lease, guest isolation' },
		]);
	});

	test('passing validation is approved without a checker, saying so', () => {
		expect(evaluatePromotion(promotion(), now).reasons).toEqual([{ code: 'validationPassed', message: 'Approved without a checker: all 12 validation checks passed in lab' }]);
	});

	test('malformed validation results are malformed, naming the field', () => {
		const result = evaluatePromotion(promotion({ validation: { passed: -1, failed: 0 } }), now);
		expect(result.decision).toBe('rejected');
		expect(result.reasons).toEqual([{ code: 'malformed', field: 'validation.passed', message: 'Invalid promotion request: validation.passed: expected a value >= 0, received -1' }]);
		expect(codes(evaluatePromotion(promotion({ validation: [{ name: 'ping', passed: 'yes' }] }), now))).toEqual(['malformed']);
	});
});

describe('evaluatePromotion: prod -> customer needs a soak and an approval', () => {
	const toCustomer = (over: Record<string, unknown>) => promotion({ from: 'prod', to: 'customer', validation: undefined, ...over });

	test('exactly soakHours in prod has soaked: a checker must approve', () => {
		const result = evaluatePromotion(toCustomer({ enteredFromStageAt: ago(24 * HOUR) }), now);
		expect(result.decision).toBe('needsApproval');
		expect(result.reasons).toEqual([
			{ code: 'customerApproval', message: "Promotion prod -> customer needs a checker's approval; the item soaked in prod for 24 h (at least 24 h required)" },
		]);
	});

	test('one second less has not soaked: rejected, saying when the soak ends', () => {
		const result = evaluatePromotion(toCustomer({ enteredFromStageAt: ago(24 * HOUR - 1000) }), now);
		expect(result.decision).toBe('rejected');
		expect(result.reasons).toEqual([
			{
				code: 'soakIncomplete',
				field: 'enteredFromStageAt',
				message:
					'Promotion prod -> customer needs a 24 h soak in prod; the item has been in prod for 23 h 59 min 59 s (since 2026-03-01T10:00:01Z), the soak ends at 2026-03-02T10:00:01Z',
			},
		]);
	});

	test('the soak period is a setting', () => {
		const entered = { enteredFromStageAt: ago(30 * HOUR) };
		expect(evaluatePromotion(toCustomer(entered), now, { soakHours: 48 }).decision).toBe('rejected');
		expect(evaluatePromotion(toCustomer({ enteredFromStageAt: ago(48 * HOUR) }), now, { soakHours: 48 }).decision).toBe('needsApproval');
		expect(evaluatePromotion(toCustomer({ enteredFromStageAt: now.toISOString() }), now, { soakHours: 0 }).decision).toBe('needsApproval');
		expect(DEFAULT_PROMOTION_SETTINGS).toEqual({ soakHours: 24, zone: 'UTC' });
	});

	test('without the time it entered prod the soak cannot be shown: rejected', () => {
		expect(evaluatePromotion(toCustomer({}), now).reasons).toEqual([
			{
				code: 'soakStartMissing',
				field: 'enteredFromStageAt',
				message: 'Promotion prod -> customer needs a 24 h soak in prod; give the time the item entered prod in enteredFromStageAt',
			},
		]);
	});

	test('a start in the future is malformed, even by one second', () => {
		const result = evaluatePromotion(toCustomer({ enteredFromStageAt: '2026-03-02T10:00:01Z' }), now);
		expect(result.decision).toBe('rejected');
		expect(result.reasons).toEqual([
			{
				code: 'malformed',
				field: 'enteredFromStageAt',
				message: 'Invalid promotion request: enteredFromStageAt: expected a time not after now (2026-03-02T10:00:00Z), received "2026-03-02T10:00:01Z"',
			},
		]);
	});

	test('a time without an offset is read in the settings zone, never the host zone', () => {
		// 11:00 in Berlin (UTC+1 in March before DST) is 10:00Z: exactly 24 h before now.
		expect(evaluatePromotion(toCustomer({ enteredFromStageAt: '2026-03-01 11:00' }), now, { zone: 'Europe/Berlin' }).decision).toBe('needsApproval');
		expect(evaluatePromotion(toCustomer({ enteredFromStageAt: '2026-03-01T11:00:00+01:00' }), now).decision).toBe('needsApproval');
		// Read in UTC, 11:00 is one hour short.
		expect(codes(evaluatePromotion(toCustomer({ enteredFromStageAt: '2026-03-01 11:00' }), now))).toEqual(['soakIncomplete']);
		expect(codes(evaluatePromotion(toCustomer({ enteredFromStageAt: 'yesterday' }), now))).toEqual(['malformed']);
	});
});

describe('evaluatePromotion: demotion and rollback', () => {
	test('a demotion is approved whatever the evidence', () => {
		const result = evaluatePromotion({ item: 'fw 7.1', from: 'customer', to: 'lab', maker: 'alice@msp.example' }, now);
		expect(result.decision).toBe('approved');
		expect(result.reasons).toEqual([{ code: 'demotion', message: 'Approved without a checker: a demotion from customer to lab goes down the pipeline' }]);
	});

	test('a rollback down or within a stage is approved', () => {
		expect(codes(evaluatePromotion(promotion({ from: 'customer', to: 'prod', rollback: true, validation: undefined }), now))).toEqual(['rollback']);
		const within = evaluatePromotion(promotion({ from: 'customer', to: 'customer', rollback: true, validation: undefined }), now);
		expect(within.decision).toBe('approved');
		expect(within.reasons).toEqual([{ code: 'rollback', message: 'Approved without a checker: a rollback within customer returns to a version that already passed the gates' }]);
	});

	test('a rollback cannot go up a stage, so it never skips validation, soak or approval', () => {
		const upOne = evaluatePromotion(promotion({ validation: undefined, rollback: true }), now);
		expect(upOne.decision).toBe('rejected');
		expect(upOne.reasons).toEqual([
			{ code: 'rollbackNotPromotion', field: 'rollback', message: 'A rollback cannot go up the pipeline (lab -> prod); promote without rollback so the stage gates apply' },
		]);
		expect(codes(evaluatePromotion(promotion({ from: 'prod', to: 'customer', rollback: true }), now))).toEqual(['rollbackNotPromotion']);
		expect(codes(evaluatePromotion(promotion({ to: 'customer', rollback: true }), now))).toEqual(['rollbackNotPromotion', 'stageSkipped']);
	});
});

describe('evaluatePromotion: malformed input, hash, summary, settings', () => {
	test.each([
		['an unknown stage', { to: 'staging' }, 'to'],
		['no item', { item: ' ' }, 'item'],
		['no maker', { maker: undefined }, 'maker'],
		['rollback not a boolean', { rollback: 'yes' }, 'rollback'],
		['an unknown field', { soakHours: 0 }, 'soakHours'],
	])('%s is malformed, naming the field', (_, over, field) => {
		const result = evaluatePromotion(promotion(over), now);
		expect(result.decision).toBe('rejected');
		expect(result.reasons.map((reason) => [reason.code, reason.field])).toEqual([['malformed', field]]);
		expect(result.changeHash).toBeUndefined();
	});

	test('input that is not an object is rejected, not thrown', () => {
		expect(codes(evaluatePromotion('promote it', now))).toEqual(['malformed']);
	});

	test('the hash covers item, stages and maker, not the evidence', () => {
		const base = evaluatePromotion(promotion(), now).changeHash;
		expect(base).toBe(promotionHash({ item: 'branch-router-template v7', from: 'lab', to: 'prod', maker: 'alice@msp.example' }));
		expect(evaluatePromotion(promotion({ validation: [{ name: 'x', passed: true }] }), now).changeHash).toBe(base);
		expect(evaluatePromotion(promotion({ maker: ' ALICE@msp.example ', item: ' branch-router-template v7 ' }), now).changeHash).toBe(base);
		const edits = [{ item: 'branch-router-template v8' }, { maker: 'bob@msp.example' }, { from: 'prod', to: 'customer' }, { from: 'prod', to: 'lab' }];
		const hashes = new Set([base, ...edits.map((edit) => evaluatePromotion(promotion(edit), now).changeHash)]);
		expect(hashes.size).toBe(edits.length + 1);
	});

	test('a rejected but well-formed promotion still carries its hash and summary', () => {
		const result = evaluatePromotion(promotion({ from: 'prod', to: 'customer', validation: [{ name: 'ping', passed: false }], enteredFromStageAt: ago(HOUR) }), now);
		expect(result.decision).toBe('rejected');
		expect(result.changeHash).toMatch(/^[0-9a-f]{64}$/);
		expect(result.summary).toBe(
			[
				'Promotion: "branch-router-template v7" from prod to customer, requested by alice@msp.example',
				'Validation: 0 passed, 1 failed (ping)',
				'In prod since: 2026-03-02T09:00:00Z',
			].join('\n'),
		);
	});

	test('bad settings and an invalid now are the caller’s errors: they throw', () => {
		expect(() => evaluatePromotion(promotion(), now, { soakHours: -1 })).toThrow(ValidationError);
		expect(() => evaluatePromotion(promotion(), now, { zone: 'Mars/Olympus' })).toThrow('Invalid stage gate settings: zone: expected an IANA time zone such as Europe/Berlin, or UTC, received "Mars/Olympus"');
		expect(() => evaluatePromotion(promotion(), new Date('nope'))).toThrow(ValidationError);
	});
});
