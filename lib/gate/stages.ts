import { z } from 'zod';
import { dateTimeParameter, DEFAULT_ZONE, isValidZone } from '../datetime';
import { ValidationError } from '../errors';
import { parseWith } from '../validation';
import { canonicalJson, sha256Hex } from './changeHash';
import { identitySchema, nonEmptyText, normaliseIdentity, readFields, type GateReason, type GateResult } from './reasons';

/**
 * Stage gates of the Lab -> Prod -> Customer pipeline, as a pure function of the promotion, the time and the settings.
 *
 * Up one stage only. Lab -> Prod needs passing validation results and is then approved without a checker. Prod ->
 * Customer needs the item to have soaked in Prod for `soakHours` and then a checker's approval. Going down a stage
 * (a demotion) is always approved, and so is a rollback: a rollback returns to a version that already passed the
 * gates. A rollback never goes up a stage, so the flag cannot be used to skip validation, soak or approval.
 */

export const STAGES = ['lab', 'prod', 'customer'] as const;
export type Stage = (typeof STAGES)[number];
export const stageSchema = z.enum(STAGES);

export const promotionSettingsSchema = z
	.object({
		/** Hours an item must have been in Prod before it may be promoted to Customer. */
		soakHours: z.number().min(0).max(24 * 366).default(24),
		/** Zone in which an `enteredFromStageAt` without an offset is read (the workflow's time zone in the node). */
		zone: z
			.string()
			.refine(isValidZone, 'an IANA time zone such as Europe/Berlin, or UTC')
			.default(DEFAULT_ZONE),
	})
	.strict();

export type PromotionSettings = z.output<typeof promotionSettingsSchema>;
export type PromotionSettingsInput = z.input<typeof promotionSettingsSchema>;
export const DEFAULT_PROMOTION_SETTINGS: PromotionSettings = promotionSettingsSchema.parse({});

/** Parse (partial) stage-gate settings, filling defaults; throws a ValidationError naming the field. */
export function resolvePromotionSettings(input: unknown = {}): PromotionSettings {
	return parseWith(promotionSettingsSchema, input ?? {}, { what: 'stage gate settings' });
}

export const checkResultSchema = z
	.object({
		name: nonEmptyText('a non-empty check name'),
		passed: z.boolean(),
		detail: z.string().optional(),
	})
	.strict();

/** Validation results: counts, or one entry per check. */
export const validationResultsSchema = z.union([
	z.object({ passed: z.number().int().min(0), failed: z.number().int().min(0) }).strict(),
	z.array(checkResultSchema),
]);
export type ValidationResults = z.output<typeof validationResultsSchema>;

const optional = <T extends z.ZodTypeAny>(schema: T) => schema.nullish().transform((value) => value ?? undefined);

function promotionShape(zone: string) {
	return {
		/** Id or name of what is promoted (a configuration template, a firmware version, ...). */
		item: nonEmptyText('a non-empty id or name of what is promoted'),
		from: stageSchema,
		to: stageSchema,
		maker: identitySchema,
		validation: optional(validationResultsSchema),
		/** When the item entered the `from` stage: the start of its soak. */
		enteredFromStageAt: optional(dateTimeParameter(zone)),
		/** A return to a version that already passed the gates. */
		rollback: optional(z.boolean()).transform((rollback) => rollback === true),
	};
}

export type PromotionRequest = z.output<z.ZodObject<ReturnType<typeof promotionShape>>>;
export type PromotionRequestInput = z.input<z.ZodObject<ReturnType<typeof promotionShape>>>;
export type PromotionEvaluation = GateResult<PromotionRequest>;

const PROMOTION_HASH_KIND = 'msp-ops.gate.promotion.v1';

/** sha256 (hex) of the canonical JSON of what a checker approves for a promotion: item, from, to and maker. */
export function promotionHash(request: Pick<PromotionRequest, 'item' | 'from' | 'to' | 'maker'>): string {
	return sha256Hex(canonicalJson({ kind: PROMOTION_HASH_KIND, item: request.item.trim(), from: request.from, to: request.to, maker: normaliseIdentity(request.maker) }));
}

const rank = (stage: Stage) => STAGES.indexOf(stage);

function tally(validation: ValidationResults): { passed: number; failed: number; failedChecks: string[] } {
	if (!Array.isArray(validation)) return { ...validation, failedChecks: [] };
	const failedChecks = validation.filter((check) => !check.passed).map((check) => check.name);
	return { passed: validation.length - failedChecks.length, failed: failedChecks.length, failedChecks };
}

/** "23 h 59 min 59 s": exact to the second, because the soak boundary is. */
function formatDuration(ms: number): string {
	const totalSeconds = Math.floor(Math.max(0, ms) / 1000);
	const hours = Math.floor(totalSeconds / 3600);
	const minutes = Math.floor((totalSeconds % 3600) / 60);
	const seconds = totalSeconds % 60;
	const parts = [hours ? `${hours} h` : '', minutes ? `${minutes} min` : '', seconds ? `${seconds} s` : ''].filter(Boolean);
	return parts.length ? parts.join(' ') : '0 s';
}

const isoOf = (epochMs: number) => new Date(epochMs).toISOString().replace('.000Z', 'Z');

function validationReasons(validation: ValidationResults | undefined): { rejections: GateReason[]; approvals: GateReason[] } {
	if (validation === undefined) {
		return { rejections: [{ code: 'validationMissing', field: 'validation', message: 'Promotion lab -> prod needs the validation results of the lab run; give them in validation' }], approvals: [] };
	}
	const { passed, failed, failedChecks } = tally(validation);
	if (passed + failed === 0) {
		return { rejections: [{ code: 'validationEmpty', field: 'validation', message: 'Promotion lab -> prod needs at least one validation check; the results list none' }], approvals: [] };
	}
	if (failed > 0) {
		const named = failedChecks.length ? `: ${failedChecks.join(', ')}` : '';
		return {
			rejections: [{ code: 'validationFailed', field: 'validation', message: `Promotion lab -> prod needs every validation check to pass; ${failed} of ${passed + failed} failed${named}` }],
			approvals: [],
		};
	}
	return { rejections: [], approvals: [{ code: 'validationPassed', message: `Approved without a checker: all ${passed} validation checks passed in lab` }] };
}

function soakReasons(enteredAt: number | undefined, now: number, soakHours: number): { rejections: GateReason[]; approvals: GateReason[] } {
	const soak = `${soakHours} h`;
	if (enteredAt === undefined) {
		return {
			rejections: [{ code: 'soakStartMissing', field: 'enteredFromStageAt', message: `Promotion prod -> customer needs a ${soak} soak in prod; give the time the item entered prod in enteredFromStageAt` }],
			approvals: [],
		};
	}
	const soakEnds = enteredAt + soakHours * 3_600_000;
	if (now < soakEnds) {
		return {
			rejections: [
				{
					code: 'soakIncomplete',
					field: 'enteredFromStageAt',
					message: `Promotion prod -> customer needs a ${soak} soak in prod; the item has been in prod for ${formatDuration(now - enteredAt)} (since ${isoOf(enteredAt)}), the soak ends at ${isoOf(soakEnds)}`,
				},
			],
			approvals: [],
		};
	}
	return {
		rejections: [],
		approvals: [{ code: 'customerApproval', message: `Promotion prod -> customer needs a checker's approval; the item soaked in prod for ${formatDuration(now - enteredAt)} (at least ${soak} required)` }],
	};
}

/** The promotion in plain words, one line per aspect, for the checker. */
export function summarisePromotion(request: PromotionRequest): string {
	let validation = 'not given';
	if (request.validation !== undefined) {
		const { passed, failed, failedChecks } = tally(request.validation);
		validation = `${passed} passed, ${failed} failed${failedChecks.length ? ` (${failedChecks.join(', ')})` : ''}`;
	}
	return [
		`Promotion: ${JSON.stringify(request.item)} from ${request.from} to ${request.to}${request.rollback ? ' (rollback)' : ''}, requested by ${request.maker}`,
		`Validation: ${validation}`,
		`In ${request.from} since: ${request.enteredFromStageAt ?? 'not given'}`,
	].join('\n');
}

/**
 * Decide a promotion between stages at `now`. Never throws for a bad request: a malformed one is rejected with a
 * 'malformed' reason per bad field (an `enteredFromStageAt` after `now` is malformed). Throws a ValidationError for
 * bad settings or an invalid `now`, which are the caller's configuration, not the maker's input.
 */
export function evaluatePromotion(input: unknown, now: Date, settings: PromotionSettingsInput = {}): PromotionEvaluation {
	const { soakHours, zone } = resolvePromotionSettings(settings);
	const nowMs = now instanceof Date ? now.getTime() : NaN;
	if (Number.isNaN(nowMs)) throw new ValidationError('evaluatePromotion: now must be a valid Date', { service: 'internal', field: 'now', expected: 'a valid Date' });

	const { value, fields, parsed, problems } = readFields(promotionShape(zone), input, 'promotion request');
	const rejections: GateReason[] = [...problems];
	const approvals: GateReason[] = [];
	let needsApproval = false;

	let enteredAt = fields.enteredFromStageAt === undefined ? undefined : Date.parse(fields.enteredFromStageAt);
	// A soak cannot start in the future: the time is wrong (a clock, a zone), and the soak rule cannot judge it.
	const enteredInFuture = enteredAt !== undefined && enteredAt > nowMs;
	if (enteredInFuture) {
		rejections.push({
			code: 'malformed',
			field: 'enteredFromStageAt',
			message: `Invalid promotion request: enteredFromStageAt: expected a time not after now (${isoOf(nowMs)}), received ${JSON.stringify(fields.enteredFromStageAt)}`,
		});
		enteredAt = undefined;
	}

	const { from, to } = fields;
	if (from && to && parsed.has('rollback')) {
		const step = rank(to) - rank(from);
		const rollback = fields.rollback === true;
		if (step === 0) {
			if (rollback) approvals.push({ code: 'rollback', message: `Approved without a checker: a rollback within ${to} returns to a version that already passed the gates` });
			else rejections.push({ code: 'sameStage', field: 'to', message: `Promotion from ${from} to ${to} does not change the stage; choose the next stage, or set rollback to return to an earlier version` });
		} else if (step < 0) {
			approvals.push({
				code: rollback ? 'rollback' : 'demotion',
				message: `Approved without a checker: ${rollback ? 'a rollback' : 'a demotion'} from ${from} to ${to} goes down the pipeline`,
			});
		} else {
			if (rollback) {
				rejections.push({ code: 'rollbackNotPromotion', field: 'rollback', message: `A rollback cannot go up the pipeline (${from} -> ${to}); promote without rollback so the stage gates apply` });
			}
			if (step > 1) {
				const skipped = STAGES.slice(rank(from) + 1, rank(to)).join(', ');
				rejections.push({ code: 'stageSkipped', field: 'to', message: `Promotion ${from} -> ${to} skips ${skipped}; promote one stage at a time (${STAGES.join(' -> ')})` });
			}
			if (step === 1 && !rollback) {
				let gate: ReturnType<typeof validationReasons> | undefined;
				if (to === 'prod' && parsed.has('validation')) gate = validationReasons(fields.validation);
				if (to === 'customer' && parsed.has('enteredFromStageAt') && !enteredInFuture) gate = soakReasons(enteredAt, nowMs, soakHours);
				if (gate) {
					rejections.push(...gate.rejections);
					approvals.push(...gate.approvals);
					needsApproval = to === 'customer' && gate.approvals.length > 0;
				}
			}
		}
	}

	const described = value ? { changeHash: promotionHash(value), request: value, summary: summarisePromotion(value) } : {};
	if (rejections.length > 0 || !value) return { decision: 'rejected', reasons: rejections, ...described };
	return { decision: needsApproval ? 'needsApproval' : 'approved', reasons: approvals, ...described };
}
