/**
 * What the e2e tests of the bundled pipelines and `npm start` share: reading the workflows exactly as shipped in
 * workflows/, telling pipelines, their review sub-workflows and the error logger apart, and the check that every
 * node of a CLI run ran exactly once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { REPO_ROOT, type ExecutionResult } from './harness';

export interface BundledNode {
	id: string;
	name: string;
	type: string;
	parameters: Record<string, unknown>;
	webhookId?: string;
	[key: string]: unknown;
}

export interface BundledWorkflow {
	id: string;
	name: string;
	nodes: BundledNode[];
	settings: Record<string, unknown> & { timezone?: string };
	[key: string]: unknown;
}

/** A workflow from workflows/, as the package ships it (a fresh copy each call, so a test may edit it). */
export function bundledWorkflow(file: string): BundledWorkflow {
	return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'workflows', file), 'utf8')) as BundledWorkflow;
}

/** Every workflow in workflows/, by file name. */
export function bundledWorkflows(): BundledWorkflow[] {
	return fs
		.readdirSync(path.join(REPO_ROOT, 'workflows'))
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map(bundledWorkflow);
}

/** Started by another workflow (Execute Workflow Trigger), never on its own. */
export const isSubWorkflow = (wf: BundledWorkflow): boolean => wf.nodes.some((n) => n.type === 'n8n-nodes-base.executeWorkflowTrigger');
/** An Error Workflow (Error Trigger): n8n starts it when a production execution of another workflow fails. */
export const isErrorWorkflow = (wf: BundledWorkflow): boolean => wf.nodes.some((n) => n.type === 'n8n-nodes-base.errorTrigger');
/** A pipeline: neither of those, run by hand (its Manual Trigger) or on its schedule. */
export const isPipeline = (wf: BundledWorkflow): boolean => !isSubWorkflow(wf) && !isErrorWorkflow(wf) && wf.nodes.some((n) => n.type === 'n8n-nodes-base.manualTrigger');

/**
 * Expects every node of a CLI run to have run exactly once: the fetch nodes call their API once, not once per
 * incoming item. The Schedule Trigger does not run in a CLI execution, and sticky notes never run.
 */
export function expectEveryNodeRanOnce(result: ExecutionResult, workflow: BundledWorkflow): void {
	const names = workflow.nodes.filter((n) => n.type !== 'n8n-nodes-base.scheduleTrigger' && n.type !== 'n8n-nodes-base.stickyNote').map((n) => n.name);
	expect([...result.nodesRun].sort()).toEqual([...names].sort());
	expect(names.filter((n) => result.runData[n].length !== 1)).toEqual([]);
}
