/**
 * What the e2e tests of the bundled pipelines share: reading a workflow exactly as shipped in workflows/, and the
 * check that every node of a CLI run ran exactly once.
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

/**
 * Expects every node of a CLI run to have run exactly once: the fetch nodes call their API once, not once per
 * incoming item. The Schedule Trigger does not run in a CLI execution, and sticky notes never run.
 */
export function expectEveryNodeRanOnce(result: ExecutionResult, workflow: BundledWorkflow): void {
	const names = workflow.nodes.filter((n) => n.type !== 'n8n-nodes-base.scheduleTrigger' && n.type !== 'n8n-nodes-base.stickyNote').map((n) => n.name);
	expect([...result.nodesRun].sort()).toEqual([...names].sort());
	expect(names.filter((n) => result.runData[n].length !== 1)).toEqual([]);
}
