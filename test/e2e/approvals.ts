/**
 * What the tests of approvals share (e2e and the reliability suite): the gate test workflow with its people and
 * credential, the execution data they read through the public API, the approval request the Maker/Checker Gate puts
 * on its Needs Approval output, and the checker's answer as n8n's form page posts it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ApprovalRequest } from '../../nodes/MakerCheckerGate/actions/common';
import type { BundledNode } from './pipelines';

/** The people of the gate test workflow: the maker and the two checkers its credential allows. */
export const MAKER = 'alice@msp.example';
export const BOB = 'bob@msp.example';
export const CAROL = 'carol@msp.example';

/** The Maker/Checker Gate credential of the gate test workflow, signing with `signingSecret`. */
export function gateCredential(signingSecret: string) {
	return { id: 'gateCred00000001', name: 'Maker/Checker Gate', type: 'mspMakerCheckerApi', data: { signingSecret, checkers: `${BOB}\n${CAROL}` } };
}

/** A node of the gate test workflow: a workflow node as the bundled ones are read, with what the copies set. */
export interface GateNode extends BundledNode {
	typeVersion: number;
	position: number[];
}

export interface GateWorkflow {
	id: string;
	name: string;
	nodes: GateNode[];
	connections: Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;
	[key: string]: unknown;
}

/** test/e2e/workflows/maker-checker.json: a webhook-started change, the gate, a Wait form for the checker, the verdict. */
export function gateTestWorkflow(): GateWorkflow {
	return JSON.parse(fs.readFileSync(path.join(__dirname, 'workflows', 'maker-checker.json'), 'utf8')) as GateWorkflow;
}

/**
 * A copy of the gate test workflow under another id, node ids and webhook path (so copies can be imported side by
 * side), with `edit` applied to each node.
 */
export function gateWorkflowVariant(id: string, idPrefix: string, webhookPath: string, edit: (node: GateNode) => void = () => undefined): GateWorkflow {
	const copy = gateTestWorkflow();
	copy.id = id;
	copy.name = `${copy.name}: ${webhookPath}`;
	for (const node of copy.nodes) {
		node.id = idPrefix + node.id.slice(idPrefix.length);
		if (node.webhookId) node.webhookId = idPrefix + node.webhookId.slice(idPrefix.length);
		if (node.name === 'Receive Change') node.parameters.path = webhookPath;
		edit(node);
	}
	return copy;
}

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
