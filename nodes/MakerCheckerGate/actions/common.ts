import { randomUUID } from 'node:crypto';
import type { ICredentialsDecrypted, ICredentialTestFunctions, IDataObject, IExecuteFunctions, INodeCredentialTestResult, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';
import { ConfigError } from '../../../lib/errors';
import {
	checkerSignature,
	MIN_SECRET_LENGTH,
	normaliseIdentity,
	signApprovalRequest,
	verifyApprovalRequest,
	type GateDecision,
	type GateReason,
} from '../../../lib/gate';
import { redact, registerSecret } from '../../../lib/http/redact';
import { clip, type ChangeApprovalRow, type OpsLogWriteResult } from '../../../lib/opslog';
import { parseWith } from '../../../lib/validation';
import { failedItems } from '../../shared/n8nAdapter';
import { writeOpsLogNow } from '../../shared/opsLog';

/** What the three operations share: the credential, reading a request from a parameter, routing, the audit. */

export const GATE_CREDENTIAL = 'mspMakerCheckerApi';

/** Output indexes of Evaluate Change and Evaluate Stage Promotion. */
export const EVALUATE_OUTPUT: Record<GateDecision, number> = { approved: 0, needsApproval: 1, rejected: 2 };
/** Output indexes of Verify Approval. */
export const VERIFY_OUTPUT = { approved: 0, rejected: 1 } as const;

export interface GateCredential {
	secret: string;
	/** The allow-list, normalised (lower case), each once. */
	checkers: string[];
}

/** The credential's Checkers list, split on commas, semicolons and line breaks. `secret` is masked in any message. */
export function parseCheckers(raw: unknown, secret = ''): string[] {
	const text = typeof raw === 'string' ? raw : '';
	const checkers: string[] = [];
	for (const entry of text.split(/[,;\r\n]+/)) {
		const checker = normaliseIdentity(entry);
		if (!checker) continue;
		if (/\s/.test(checker)) {
			const received = redact(JSON.stringify(entry.trim()), secret ? [secret] : []);
			throw new ConfigError(
				`The Maker/Checker Gate credential's Checkers list has ${received}, which is not one identity; separate the email addresses with commas or new lines`,
				{ service: 'gate', field: 'checkers', expected: 'email addresses separated by commas or new lines', received },
			);
		}
		if (!checkers.includes(checker)) checkers.push(checker);
	}
	return checkers;
}

/** The credential's values, checked: a usable secret and the checkers (throws a ConfigError naming the field). */
export function checkGateCredential(credential: { signingSecret?: unknown; checkers?: unknown }): GateCredential {
	const secret = typeof credential.signingSecret === 'string' ? credential.signingSecret.trim() : '';
	if (secret.length < MIN_SECRET_LENGTH) {
		throw new ConfigError(
			`The Maker/Checker Gate credential's Signing Secret is ${secret ? `shorter than ${MIN_SECRET_LENGTH} characters` : 'empty'}; ` +
				`set it to at least ${MIN_SECRET_LENGTH} random characters (for example the output of \`openssl rand -hex 32\`), the same on every n8n instance that sends or verifies approvals`,
			{ service: 'gate', field: 'signingSecret', expected: `at least ${MIN_SECRET_LENGTH} characters` },
		);
	}
	return { secret, checkers: parseCheckers(credential.checkers, secret) };
}

/** The credential, checked, with the secret registered for redaction, so no message can show it. */
export async function readGateCredential(ctx: IExecuteFunctions): Promise<GateCredential> {
	const credential = checkGateCredential(await ctx.getCredentials<{ signingSecret?: unknown; checkers?: unknown }>(GATE_CREDENTIAL));
	registerSecret(credential.secret);
	return credential;
}

/**
 * The credential's Test button (there is no service to call): the secret is long enough and the checkers list reads
 * as identities, at least one of them.
 */
export async function testGateCredential(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	try {
		const checked = checkGateCredential(credential.data ?? {});
		if (checked.checkers.length === 0) return { status: 'Error', message: 'Checkers is empty: list who may approve changes (email addresses)' };
		return { status: 'OK', message: `Signing secret usable; ${checked.checkers.length} checker(s)` };
	} catch (error) {
		return { status: 'Error', message: error instanceof Error ? error.message : String(error) };
	}
}

/** n8n item data rebuilt as plain objects and arrays of this realm (what lib/gate hashes), other values as they are. */
function toPlain(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(toPlain);
	if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
		const out: Record<string, unknown> = {};
		for (const [key, entry] of Object.entries(value)) out[key] = toPlain(entry);
		return out;
	}
	return value;
}

export type RequestReading = { value: unknown; problem?: undefined } | { value?: undefined; problem: GateReason };

/**
 * A request from a JSON parameter: an object as the expression gave it, or JSON text. Text that is not JSON is a
 * 'malformed' reason (the maker's input, so a rejection rather than an error).
 */
export function readRequestParameter(ctx: IExecuteFunctions, parameter: string, itemIndex: number, label: string): RequestReading {
	const raw = ctx.getNodeParameter(parameter, itemIndex, undefined) as unknown;
	if (typeof raw !== 'string') return { value: toPlain(raw) };
	if (!raw.trim()) return { value: undefined };
	try {
		return { value: toPlain(JSON.parse(raw)) };
	} catch (error) {
		return {
			problem: {
				code: 'malformed',
				field: parameter,
				message: `Invalid ${label}: the parameter '${label}' is text that is not JSON (${(error as Error).message}); give a JSON object, or an expression such as {{ $json }}`,
			},
		};
	}
}

/** Option "Approval Valid For (Hours)". */
export const approvalValidForOption: INodeProperties = {
	displayName: 'Approval Valid For (Hours)',
	name: 'approvalValidForHours',
	type: 'number',
	typeOptions: { minValue: 0, numberPrecision: 4 },
	default: 24,
	description: 'How long the checkers have to answer; an approval that arrives later is rejected (expired)',
};

const MAX_VALID_HOURS = 24 * 366;
const validHoursSchema = z.object({
	approvalValidForHours: z
		.number()
		.refine((hours) => Number.isFinite(hours) && hours > 0 && hours <= MAX_VALID_HOURS, `a number of hours above 0 and at most ${MAX_VALID_HOURS} (366 days)`),
});

export function approvalValidForHours(options: IDataObject, itemIndex: number): number {
	return parseWith(validHoursSchema, { approvalValidForHours: options.approvalValidForHours ?? 24 }, { what: "option 'Approval Valid For (Hours)'", service: 'gate', itemIndex })
		.approvalValidForHours;
}

/** The approval request a Needs Approval item carries. */
export interface ApprovalRequest extends IDataObject {
	token: string;
	expiresAt: string;
	requestId: string;
	formUrl: string;
	webhookUrl: string;
	checkers: Array<{ checker: string; approvalCode: string }>;
}

/**
 * Sign the approval request of a change that needs a checker, with one approval code per allowed checker. Without a
 * checker other than the maker nobody could approve: that is a configuration error, named with what to fix.
 */
export function issueApproval(
	ctx: IExecuteFunctions,
	itemIndex: number,
	credential: GateCredential,
	request: { changeHash: string; maker: string },
	validForHours: number,
	now: Date,
): ApprovalRequest {
	const maker = normaliseIdentity(request.maker);
	const checkers = credential.checkers.filter((checker) => checker !== maker);
	if (checkers.length === 0) {
		const listed = credential.checkers.length ? `lists only the maker (${maker})` : 'lists no checker';
		throw new ConfigError(
			`Item ${itemIndex} needs a checker's approval, but the Maker/Checker Gate credential's Checkers list ${listed}; add the email address of at least one other person who may approve changes`,
			{ service: 'gate', field: 'checkers', expected: 'at least one checker who is not the maker', itemIndex },
		);
	}
	const nonce = randomUUID();
	const token = signApprovalRequest(
		{
			v: 1,
			changeHash: request.changeHash,
			maker: request.maker,
			checkers,
			executionId: String(ctx.getExecutionId() ?? ''),
			expiresAt: new Date(now.getTime() + validForHours * 3_600_000).toISOString(),
			nonce,
		},
		credential.secret,
	);
	const signed = verifyApprovalRequest(token, credential.secret);
	// The resume URLs exactly as n8n gives them (on newer hosts they carry n8n's own signature).
	const url = (expression: string) => String(ctx.evaluateExpression(`{{ ${expression} }}`, itemIndex) ?? '');
	return {
		token,
		expiresAt: signed.ok ? signed.payload.expiresAt : '',
		requestId: nonce,
		formUrl: url('$execution.resumeFormUrl'),
		webhookUrl: url('$execution.resumeUrl'),
		checkers: checkers.map((checker) => ({ checker, approvalCode: checkerSignature(credential.secret, token, checker) })),
	};
}

export interface Routed {
	output: number;
	json: IDataObject;
}

/**
 * Run `handler` per input item and put its result on the output it names, paired with the item. A failing item
 * stops the node with an error naming it, or with Continue On Fail becomes an error item on the last output
 * (Rejected): a gate never lets an item it could not judge through to Approved.
 */
export async function routePerItem(ctx: IExecuteFunctions, outputCount: number, handler: (itemIndex: number) => Promise<Routed>): Promise<INodeExecutionData[][]> {
	const outputs: INodeExecutionData[][] = Array.from({ length: outputCount }, () => []);
	const items = ctx.getInputData();
	for (let i = 0; i < items.length; i++) {
		try {
			const { output, json } = await handler(i);
			outputs[output].push(...ctx.helpers.constructExecutionMetaData(ctx.helpers.returnJsonArray(json), { itemData: { item: i } }));
		} catch (error) {
			outputs[outputCount - 1].push(...failedItems(ctx, error, i));
		}
	}
	return outputs;
}

/** All reasons in one line, for the audit row's text column. */
export function reasonText(reasons: readonly GateReason[], extra?: string): string {
	return clip([...reasons.map((reason) => reason.message), ...(extra ? [extra] : [])].join('; '));
}

/** What an audit row says about the request besides its hash and maker. */
export type AuditFacts = Pick<ChangeApprovalRow, 'risk' | 'change_type' | 'site_count'>;

/** Write one change_approvals row now (when "Log to Supabase" is on); the answer says whether it was a duplicate. */
export async function auditDecision(ctx: IExecuteFunctions, row: ChangeApprovalRow): Promise<OpsLogWriteResult | undefined> {
	return writeOpsLogNow(ctx, { change_approvals: [row as unknown as Record<string, unknown>] });
}

/** Omit undefined values, so an item's JSON has only the fields that apply. */
export function defined(json: Record<string, unknown>): IDataObject {
	return Object.fromEntries(Object.entries(json).filter(([, value]) => value !== undefined)) as IDataObject;
}
