/**
 * What the e2e tests of approvals share: the execution data they read through the public API, the approval request
 * the Maker/Checker Gate puts on its Needs Approval output, and the checker's answer as n8n's form page posts it.
 */
import type { ApprovalRequest } from '../../nodes/MakerCheckerGate/actions/common';

export interface Item {
	json: Record<string, any>;
}

/** An execution as `GET /api/v1/executions/<id>?includeData=true` returns it. */
export interface Execution {
	id: string;
	status: string;
	finished?: boolean;
	data?: { resultData?: { runData?: Record<string, Array<{ data?: { main?: Array<Item[] | null> } }>> } };
}

/** The `approval` of an evaluation that needs a checker, as the gate node outputs it. */
export type Approval = ApprovalRequest;

/** Items of a node's output `index` in the first run of the node (none when it did not run). */
export const output = (execution: Execution, node: string, index = 0): Item[] => execution.data?.resultData?.runData?.[node]?.[0]?.data?.main?.[index] ?? [];

export const ran = (execution: Execution, node: string): boolean => Boolean(execution.data?.resultData?.runData?.[node]);

/** The gate's reason codes on an item. */
export const codesOf = (item: Item | undefined): string[] => ((item?.json.reasons ?? []) as Array<{ code: string }>).map((r) => r.code);

export const codeOf = (approval: Approval, checker: string): string => approval.checkers.find((c) => c.checker === checker)!.approvalCode;

/** What the n8n form page sends: multipart/form-data, field-0.. in the order of the Wait node's form fields. */
export function submitForm(url: string, fields: { decision: string; reason?: string; code: string }): Promise<Response> {
	const form = new FormData();
	form.append('field-0', fields.decision);
	form.append('field-1', fields.reason ?? '');
	form.append('field-2', fields.code);
	return fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(60_000) });
}
