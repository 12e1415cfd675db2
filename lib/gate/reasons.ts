import { z, type ZodRawShape } from 'zod';
import { ValidationError } from '../errors';
import { parseWith } from '../validation';

/**
 * The result vocabulary every Maker/Checker Gate rule shares, and the reading of gate input that turns a malformed
 * request into rejection reasons instead of an exception: a gate decides, it does not crash the workflow.
 */

export type GateDecision = 'approved' | 'needsApproval' | 'rejected';

/** Why a gate decided what it did. `field` is the path of the input field the reason is about, when there is one. */
export interface GateReason {
	code: string;
	message: string;
	field?: string;
}

export interface GateResult<Request> {
	decision: GateDecision;
	/** Every reason behind the decision: all rules broken when rejected, what needs a checker when needsApproval. */
	reasons: GateReason[];
	/** Digest of what the checker approves; present whenever the request was well-formed. */
	changeHash?: string;
	/** The parsed, normalised request; present whenever it was well-formed. */
	request?: Request;
	/** The change in plain words, for the checker's approval form or message. */
	summary?: string;
}

/**
 * One identity as the gate compares it: maker and checkers are the same person when these are equal. Compatibility
 * forms are folded and invisible format characters (zero-width spaces and joiners) are dropped, so a maker cannot
 * look like someone else to the self-approval check by typing their own name differently.
 */
export function normaliseIdentity(identity: string): string {
	return identity.normalize('NFKC').replace(/\p{Cf}/gu, '').trim().toLowerCase();
}

/**
 * Trimmed text that is not empty. A refinement rather than `.min(1)`, so the message says what belongs there
 * ("a non-empty site id") instead of "at least 1 character".
 */
export const nonEmptyText = (expected: string) =>
	z
		.string()
		.trim()
		.refine((value) => value.length > 0, expected);

/** A non-empty identity such as an email address, trimmed (case is kept for display; compare with normaliseIdentity). */
export const identitySchema = z
	.string()
	.trim()
	.refine((value) => normaliseIdentity(value) !== '', 'a non-empty identity such as an email address');

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

const own = (object: Record<string, unknown>, key: string) => (Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined);

/** The 'malformed' reason parseWith's message gives for `data` against `schema` (field path, expected, received). */
function malformedReason(schema: z.ZodTypeAny, data: unknown, what: string): GateReason | undefined {
	try {
		parseWith(schema, data, { what });
		return undefined;
	} catch (error) {
		if (!(error instanceof ValidationError)) throw error;
		return { code: 'malformed', message: error.message, field: error.field };
	}
}

export interface FieldsReading<Shape extends ZodRawShape> {
	/** The whole parsed input, when every field parsed and there was no unknown field. */
	value?: z.output<z.ZodObject<Shape>>;
	/** The fields that parsed, so rules can still judge them when other fields are malformed. */
	fields: Partial<z.output<z.ZodObject<Shape>>>;
	/** Names of the fields that parsed (an optional field that parsed may still be undefined). */
	parsed: Set<keyof Shape>;
	/** One 'malformed' reason per malformed field and per unknown field. */
	problems: GateReason[];
}

/**
 * Read `input` as a strict object of `shape`, field by field, so that each malformed field gets its own reason
 * naming it. Unknown fields are malformed too: a misspelt optional field (`vlanID`) would otherwise skip its rules.
 */
export function readFields<Shape extends ZodRawShape>(shape: Shape, input: unknown, what: string): FieldsReading<Shape> {
	const whole = z.object(shape).strict();
	const keys = Object.keys(shape) as Array<keyof Shape & string>;
	const result = whole.safeParse(input);
	if (result.success) return { value: result.data, fields: result.data, parsed: new Set(keys), problems: [] };
	const problems: GateReason[] = [];
	const fields: Record<string, unknown> = {};
	const parsed = new Set<keyof Shape>();
	if (!isPlainObject(input)) {
		const problem = malformedReason(whole, input, what);
		return { fields: {}, parsed, problems: problem ? [problem] : [] };
	}
	for (const key of keys) {
		const field = shape[key].safeParse(own(input, key));
		if (field.success) {
			fields[key] = field.data;
			parsed.add(key);
			continue;
		}
		const problem = malformedReason(z.object({ [key]: shape[key] }), { [key]: own(input, key) }, what);
		if (problem) problems.push(problem);
	}
	const known = new Set<string>(keys);
	for (const key of Object.keys(input)) {
		if (known.has(key)) continue;
		// All fields optional, so the only problem reported is the unknown one, with a "did you mean" when it is a typo.
		const problem = malformedReason(whole.partial(), { [key]: input[key] }, what);
		if (problem) problems.push(problem);
	}
	return { fields: fields as FieldsReading<Shape>['fields'], parsed, problems };
}
